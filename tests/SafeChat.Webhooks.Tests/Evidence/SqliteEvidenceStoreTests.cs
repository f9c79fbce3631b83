using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;
using SafeChat.Escalation;
using SafeChat.Evidence;
using SafeChat.Retention;
using SafeChat.Webhooks.Tests.Infrastructure;

namespace SafeChat.Webhooks.Tests.Evidence;

public sealed class SqliteEvidenceStoreTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly FakeTimeProvider _time = new(Fixtures.Start);

    public void Dispose() => _dir.Dispose();

    private string DbPath => _dir.File("evidence.db");

    private EvidenceBundle Bundle(string conversation) =>
        new EvidenceBuilder(timeProvider: _time).Build(
            Fixtures.Escalation(conversation: conversation), Fixtures.Thread(conversation), Fixtures.Adult, Fixtures.Teen);

    private async Task<IEvidenceStore> FillAsync(IEvidenceStore store, int count)
    {
        for (var i = 0; i < count; i++)
        {
            await store.AppendAsync(Bundle($"room-{i}"));
            _time.Advance(TimeSpan.FromMinutes(1));
        }

        return store;
    }

    private static void Sql(string path, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        Assert.Equal(1, command.ExecuteNonQuery());
    }

    [Fact]
    public async Task SqliteStore_AppendAndReopen_ChainVerifiesAndBundlesReadBack()
    {
        using (var store = new SqliteEvidenceStore(DbPath, timeProvider: _time))
        {
            await FillAsync(store, 3);
        }

        using var reopened = new SqliteEvidenceStore(DbPath, timeProvider: _time);
        var appended = await reopened.AppendAsync(Bundle("room-3"));
        var records = await reopened.ListAsync();
        var verification = await reopened.VerifyAsync();

        Assert.True(verification.IsValid, verification.Reason);
        Assert.Equal(4, verification.EntriesChecked);
        Assert.Equal(appended.EntryHash, verification.HeadHash);
        Assert.Equal([1L, 2, 3, 4], records.Select(r => r.Sequence));
        Assert.Equal(EvidenceChain.GenesisHash, records[0].PreviousHash);
        Assert.Equal(records[2].EntryHash, records[3].PreviousHash);
        Assert.Equal("room-1", records[1].ReadBundle()!.Thread.ConversationId);
        Assert.Equal(Fixtures.Start.AddMinutes(1).AddDays(365), records[1].HoldUntil);
    }

    [Theory]
    [InlineData("UPDATE evidence SET payload = replace(payload, 'how old r u btw', 'hello') WHERE sequence = 2;", 2L, "payload does not match")]
    [InlineData("UPDATE evidence SET recorded_at = recorded_at + 1 WHERE sequence = 2;", 2L, "entryHash")]
    [InlineData("UPDATE evidence SET payload_sha256 = '0000000000000000000000000000000000000000000000000000000000000000' WHERE sequence = 3;", 3L, "entryHash")]
    [InlineData("UPDATE evidence SET entry_hash = '1111111111111111111111111111111111111111111111111111111111111111' WHERE sequence = 1;", 1L, "entryHash")]
    [InlineData("DELETE FROM evidence WHERE sequence = 2;", 3L, "sequence")]
    [InlineData("UPDATE evidence SET payload = NULL, purged_at = recorded_at WHERE sequence = 2;", 2L, "on preservation hold")]
    public async Task SqliteStore_TamperedEntry_VerifyReturnsFirstBrokenEntry(string tamper, long broken, string reason)
    {
        using (var store = new SqliteEvidenceStore(DbPath, timeProvider: _time))
        {
            await FillAsync(store, 4);
            Assert.True((await store.VerifyAsync()).IsValid);
        }

        SqliteConnection.ClearAllPools();
        Sql(DbPath, tamper);

        using var reopened = new SqliteEvidenceStore(DbPath, timeProvider: _time);
        var verification = await reopened.VerifyAsync();

        Assert.False(verification.IsValid);
        Assert.Equal(broken, verification.FirstBrokenSequence);
        Assert.Contains(reason, verification.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SqliteStore_PurgeAfterHoldEnds_KeepsHeldEvidenceAndChainStaysValid()
    {
        var retention = new RetentionOptions();
        using var store = new SqliteEvidenceStore(DbPath, retention, _time);
        await FillAsync(store, 4);
        Assert.True(await store.ExtendHoldAsync(2, Fixtures.Start.AddYears(3)));  // e.g. law enforcement asked for more time
        Assert.True(await store.ReleaseHoldAsync(4));                           // e.g. reviewed and found benign

        Assert.Equal(1, await store.PurgeExpiredAsync()); // only the released one, the rest are on hold
        Assert.True((await store.GetAsync(4))!.IsPurged);
        Assert.NotNull((await store.GetAsync(1))!.PayloadJson);

        _time.Advance(TimeSpan.FromDays(366));
        Assert.Equal(2, await store.PurgeExpiredAsync()); // 1 and 3: their year is up; 2 is still held

        var records = await store.ListAsync();
        Assert.Equal([true, false, true, true], records.Select(r => r.IsPurged));
        Assert.NotNull(records[1].ReadBundle());
        Assert.Null(records[0].PayloadJson);
        Assert.False(await store.ExtendHoldAsync(1, Fixtures.Start.AddYears(5))); // a tombstone cannot be held again
        var verification = await store.VerifyAsync();
        Assert.True(verification.IsValid, verification.Reason);
        Assert.Equal(4, verification.EntriesChecked);
    }

    [Fact]
    public async Task SqliteAndInMemory_SameInputs_SameHashes()
    {
        using var sqlite = new SqliteEvidenceStore(DbPath, timeProvider: _time);
        var memory = new InMemoryEvidenceStore(timeProvider: _time);
        var bundle = Bundle("room-0");

        var a = await sqlite.AppendAsync(bundle);
        var b = await memory.AppendAsync(bundle);

        Assert.Equal(a.EntryHash, b.EntryHash);
        Assert.Equal(a.EntryHash, (await sqlite.ListAsync())[0].EntryHash);
    }
}
