using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace SafeChat.Evidence;

/// <summary>
/// The hash chain behind every <see cref="IEvidenceStore"/>. Entry <c>n</c> stores
/// <c>EntryHash = sha256(bytes(PreviousHash) || canonical header JSON)</c>, where the canonical header is
/// <c>{"sequence":n,"recordedAt":unix-ms,"idempotencyKey":"...","payloadSha256":"..."}</c> (that order, no spaces) and
/// the payload hash covers the stored bundle JSON. Changing a payload, a header field, a hash, or removing or reordering an
/// entry breaks verification at that entry. Purging drops only the payload: the header and hashes stay, so the chain
/// still verifies (a tombstone). Truncating the newest entries is detectable only against an anchored head hash.
/// </summary>
public static class EvidenceChain
{
    /// <summary>The previous hash of the first entry: 64 zeros.</summary>
    public const string GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000";

    /// <summary>The canonical header JSON that is hashed for an entry.</summary>
    public static string CanonicalHeader(long sequence, DateTimeOffset recordedAt, string idempotencyKey, string payloadSha256)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteNumber("sequence", sequence);
            writer.WriteNumber("recordedAt", recordedAt.ToUnixTimeMilliseconds());
            writer.WriteString("idempotencyKey", idempotencyKey);
            writer.WriteString("payloadSha256", payloadSha256);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>SHA-256 of a payload JSON (UTF-8), lower-case hex.</summary>
    public static string PayloadHash(string payloadJson) => Sha256Hex.Of(payloadJson);

    /// <summary>The entry hash: sha256 over the previous hash's 32 bytes followed by the canonical header's UTF-8 bytes.</summary>
    public static string ComputeEntryHash(string previousHash, long sequence, DateTimeOffset recordedAt, string idempotencyKey, string payloadSha256)
    {
        if (!Sha256Hex.IsHex64(previousHash))
        {
            throw new ArgumentException("previousHash must be 64 lower-case hex characters.", nameof(previousHash));
        }

        var previous = FromHex(previousHash);
        var header = Encoding.UTF8.GetBytes(CanonicalHeader(sequence, recordedAt, idempotencyKey, payloadSha256));
        var material = new byte[previous.Length + header.Length];
        Buffer.BlockCopy(previous, 0, material, 0, previous.Length);
        Buffer.BlockCopy(header, 0, material, previous.Length, header.Length);
        using var sha = SHA256.Create();
        return Sha256Hex.ToHex(sha.ComputeHash(material));
    }

    /// <summary>Creates the next record of a chain whose last hash is <paramref name="previousHash"/>.</summary>
    public static EvidenceRecord CreateRecord(long sequence, string previousHash, DateTimeOffset recordedAt, string idempotencyKey, string payloadJson, DateTimeOffset? holdUntil)
    {
        // Truncate to milliseconds so the in-memory and stored forms hash the same.
        var recorded = DateTimeOffset.FromUnixTimeMilliseconds(recordedAt.ToUnixTimeMilliseconds());
        var payloadHash = PayloadHash(payloadJson);
        return new EvidenceRecord(sequence, recorded, idempotencyKey, payloadHash, previousHash,
            ComputeEntryHash(previousHash, sequence, recorded, idempotencyKey, payloadHash))
        {
            PayloadJson = payloadJson,
            HoldUntil = holdUntil,
        };
    }

    /// <summary>Verifies records in sequence order; stops at the first broken one.</summary>
    public static EvidenceVerification Verify(IEnumerable<EvidenceRecord> records)
    {
        if (records is null)
        {
            throw new ArgumentNullException(nameof(records));
        }

        var previousHash = GenesisHash;
        long expectedSequence = 1;
        var checkedCount = 0;
        foreach (var record in records)
        {
            checkedCount++;
            var reason = Check(record, expectedSequence, previousHash);
            if (reason is not null)
            {
                return new EvidenceVerification(false, checkedCount, record.Sequence, reason);
            }

            previousHash = record.EntryHash;
            expectedSequence++;
        }

        return new EvidenceVerification(true, checkedCount, null, null) { HeadHash = previousHash };
    }

    private static string? Check(EvidenceRecord record, long expectedSequence, string previousHash)
    {
        if (record.Sequence != expectedSequence)
        {
            return $"sequence is {record.Sequence}, expected {expectedSequence} (an entry was removed or reordered)";
        }

        if (!string.Equals(record.PreviousHash, previousHash, StringComparison.Ordinal))
        {
            return "previousHash does not match the previous entry's hash";
        }

        if (!Sha256Hex.IsHex64(record.PayloadSha256))
        {
            return "payloadSha256 is not a SHA-256 hex string";
        }

        var expected = ComputeEntryHash(previousHash, record.Sequence, record.RecordedAt, record.IdempotencyKey, record.PayloadSha256);
        if (!string.Equals(record.EntryHash, expected, StringComparison.Ordinal))
        {
            return "entryHash does not match the entry's header";
        }

        if (record.PurgedAt is null)
        {
            if (record.PayloadJson is null)
            {
                return "payload is missing but the entry is not marked purged";
            }

            if (!string.Equals(PayloadHash(record.PayloadJson), record.PayloadSha256, StringComparison.Ordinal))
            {
                return "payload does not match payloadSha256";
            }
        }
        else if (record.HoldUntil is { } hold && hold > record.PurgedAt.Value)
        {
            return "entry was purged while on preservation hold";
        }

        return null;
    }

    private static byte[] FromHex(string hex)
    {
        var bytes = new byte[hex.Length / 2];
        for (var i = 0; i < bytes.Length; i++)
        {
            bytes[i] = (byte)((Nibble(hex[2 * i]) << 4) | Nibble(hex[(2 * i) + 1]));
        }

        return bytes;

        static int Nibble(char c) => c <= '9' ? c - '0' : c - 'a' + 10;
    }
}
