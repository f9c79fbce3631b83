namespace SafeChat.Imaging.Tests;

public class HashListReaderTests
{
    private const string Pdq = "f8f8f0cce0f4e84d0e370a22028f67f0b36e2ed596623e1d33e6339c4e9c9b22";

    [Fact]
    public void Read_CommasTabsHeaderComments_AllEntries()
    {
        var text = "type,hash,list,label\n# a comment\n\npdq," + Pdq + ",test-list,A1\nMD5\t" + new string('A', 32) + "\tother\nsha256," + new string('0', 64) + ",test-list,\n";

        var entries = HashListReader.Read(new StringReader(text), "lists.csv").ToList();

        Assert.Equal(
            [
                new HashListEntry("pdq", Pdq, "test-list", "A1"),
                new HashListEntry("md5", new string('a', 32), "other"),
                new HashListEntry("sha256", new string('0', 64), "test-list"),
            ],
            entries);
    }

    [Theory]
    [InlineData("pdq,abc,list", "lists.csv:2: a pdq hash is 64 hex digits")]
    [InlineData("crc32,00000000,list", "lists.csv:2: unknown hash type (expected pdq, md5 or sha256)")]
    [InlineData("md5,00000000000000000000000000000000", "lists.csv:2: expected 3 or 4 fields (type,hash,list[,label]), found 2")]
    [InlineData("md5,00000000000000000000000000000000,,x", "lists.csv:2: the list name must be 1 to 128 characters")]
    [InlineData("md5,0000000000000000000000000000000z,secret-list", "lists.csv:2: a md5 hash is 32 hex digits")]
    public void Read_BadLine_ErrorNamesFileAndLineNotContent(string bad, string message)
    {
        var text = "md5," + new string('1', 32) + ",ok\n" + bad + "\n";

        var error = Assert.Throws<HashListFormatException>(() => HashListReader.Read(new StringReader(text), "lists.csv").ToList());

        Assert.Equal(message, error.Message);
        Assert.Equal(2, error.Line);
        Assert.DoesNotContain("secret", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_ThenRead_RoundTrips()
    {
        HashListEntry[] entries = [new("pdq", Pdq, "l1", "cat-a"), new("md5", new string('b', 32), "l2")];
        var writer = new StringWriter();

        HashListReader.Write(writer, entries);

        Assert.Equal(entries, HashListReader.Read(new StringReader(writer.ToString()), "x").ToList());
    }
}
