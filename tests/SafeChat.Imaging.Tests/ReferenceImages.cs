namespace SafeChat.Imaging.Tests;

internal static class ReferenceImages
{
    public static string Root => Path.Combine(AppContext.BaseDirectory, "pdq-reference");

    public static string PathOf(string relative) => Path.Combine(Root, relative);

    public static byte[] Read(string relative) => File.ReadAllBytes(PathOf(relative));

    // "hash,file" lines.
    public static IReadOnlyList<(PdqHash Hash, string File)> Expected(string csv) =>
        [.. File.ReadAllLines(PathOf(csv)).Where(l => l.Length > 0).Select(l => (PdqHash.Parse(l.Split(',')[0]), l.Split(',')[1]))];
}
