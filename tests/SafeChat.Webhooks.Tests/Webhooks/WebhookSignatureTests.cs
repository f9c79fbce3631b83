using System.Text;
using Microsoft.Extensions.Time.Testing;

namespace SafeChat.Webhooks.Tests.Webhooks;

public class WebhookSignatureTests
{
    private const string Secret = "whsec_test_0123456789abcdef";
    private const string NextSecret = "whsec_next_fedcba9876543210";
    private const string Key = "esc_3f1c9a0d4b7e52a8c6d1e0f9a2b3c4d5";
    private static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);
    private readonly FakeTimeProvider _time = new(Fixtures.Start);

    private long Now => _time.GetUtcNow().ToUnixTimeSeconds();

    private string Stamp => Now.ToString(System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public void Sign_KnownVector_MatchesIndependentHmacOverTimestampKeyAndBody()
    {
        var body = Encoding.UTF8.GetBytes("{\"a\":1}");
        using var hmac = new System.Security.Cryptography.HMACSHA256(Encoding.UTF8.GetBytes(Secret));
        var expected = "v2=" + Convert.ToHexStringLower(hmac.ComputeHash(Encoding.UTF8.GetBytes("1700000000." + Key + ".{\"a\":1}")));

        Assert.Equal(expected, WebhookSignature.Sign(Secret, 1700000000, Key, body));
    }

    [Fact]
    public void Verify_UntouchedDelivery_IsValid()
    {
        var body = Encoding.UTF8.GetBytes("{\"idempotencyKey\":\"esc_1\"}");
        var header = WebhookSignature.Sign(Secret, Now, Key, body);

        Assert.True(WebhookSignature.Verify(Secret, Stamp, Key, body, header, Tolerance, _time));
    }

    [Fact]
    public void Verify_CapturedDeliveryReplayedWithAnotherIdempotencyKey_Fails()
    {
        // An attacker captures a signed delivery and, within the replay window, sends it again with a fresh
        // Idempotency-Key so that a receiver deduplicating on the header would act on it twice.
        var body = Encoding.UTF8.GetBytes("{\"type\":\"safechat.escalation\",\"idempotencyKey\":\"" + Key + "\"}");
        var header = WebhookSignature.Sign(Secret, Now, Key, body);
        _time.Advance(TimeSpan.FromMinutes(1));

        Assert.False(WebhookSignature.Verify(Secret, Stamp, "esc_attacker_chosen_0000000000000001", body, header, Tolerance, _time));
        Assert.Equal(WebhookSignatureStatus.Mismatch, WebhookSignature.Check(Secret, Stamp, "esc_attacker_chosen_0000000000000001", body, header, Tolerance, _time));
        Assert.Equal(WebhookSignatureStatus.Malformed, WebhookSignature.Check(Secret, Stamp, null, body, header, Tolerance, _time));
    }

    [Fact]
    public void Verify_TamperedBody_Fails()
    {
        var body = Encoding.UTF8.GetBytes("{\"severity\":\"high\"}");
        var header = WebhookSignature.Sign(Secret, Now, Key, body);
        var tampered = Encoding.UTF8.GetBytes("{\"severity\":\"low\"}");

        Assert.False(WebhookSignature.Verify(Secret, Stamp, Key, tampered, header, Tolerance, _time));
        Assert.Equal(WebhookSignatureStatus.Mismatch, WebhookSignature.Check(Secret, Stamp, Key, tampered, header, Tolerance, _time));
    }

    [Fact]
    public void Check_TamperedTimestampOrWrongSecret_IsMismatch()
    {
        var body = Encoding.UTF8.GetBytes("{}");
        var header = WebhookSignature.Sign(Secret, Now, Key, body);

        Assert.Equal(WebhookSignatureStatus.Mismatch, WebhookSignature.Check(Secret, (Now - 1).ToString(System.Globalization.CultureInfo.InvariantCulture), Key, body, header, Tolerance, _time));
        Assert.Equal(WebhookSignatureStatus.Mismatch, WebhookSignature.Check("another-secret-of-16+", Stamp, Key, body, header, Tolerance, _time));
    }

    [Fact]
    public void Verify_KeyRotation_SenderSignsWithBothAndReceiverAcceptsEitherSecret()
    {
        var body = Encoding.UTF8.GetBytes("{}");
        var header = WebhookSignature.Sign([Secret, NextSecret], Now, Key, body);

        Assert.Equal(2, header.Split(',').Length);
        Assert.True(WebhookSignature.Verify(Secret, Stamp, Key, body, header, Tolerance, _time)); // receiver not rotated yet
        Assert.True(WebhookSignature.Verify(NextSecret, Stamp, Key, body, header, Tolerance, _time)); // receiver already rotated
        Assert.True(WebhookSignature.Verify([NextSecret, Secret], Stamp, Key, body, header, Tolerance, _time)); // receiver accepts both

        // After the sender drops the old secret, a receiver that kept both still accepts; one with only the old does not.
        var rotated = WebhookSignature.Sign(NextSecret, Now, Key, body);
        Assert.True(WebhookSignature.Verify([Secret, NextSecret], Stamp, Key, body, rotated, Tolerance, _time));
        Assert.False(WebhookSignature.Verify(Secret, Stamp, Key, body, rotated, Tolerance, _time));
    }

    [Fact]
    public void Check_EmptySecretInTheAcceptedList_Throws()
    {
        var ex = Assert.Throws<ArgumentException>(() => WebhookSignature.Check([Secret, ""], Stamp, Key, "{}"u8, "v2=" + new string('0', 64), Tolerance, _time));
        Assert.Contains("secrets[1]", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_OldTimestamp_IsExpired()
    {
        var body = Encoding.UTF8.GetBytes("{}");
        var sentAt = Stamp;
        var header = WebhookSignature.Sign(Secret, Now, Key, body);
        _time.Advance(TimeSpan.FromMinutes(6));

        Assert.Equal(WebhookSignatureStatus.Expired, WebhookSignature.Check(Secret, sentAt, Key, body, header, Tolerance, _time));
    }

    [Theory]
    [InlineData(null, Key, "v2=00")]
    [InlineData("1700000000", Key, null)]
    [InlineData("17e8", Key, "v2=0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("1700000000", Key, "sha256=0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("1700000000", Key, "v2=zz00000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("1700000000", Key, "v2=0000")]
    [InlineData("1700000000", "esc.with.dots", "v2=0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("1700000000", "", "v2=0000000000000000000000000000000000000000000000000000000000000000")]
    public void Check_MalformedHeaders_IsMalformed(string? timestamp, string? key, string? header)
    {
        Assert.Equal(WebhookSignatureStatus.Malformed, WebhookSignature.Check(Secret, timestamp, key, "{}"u8, header, Tolerance, _time));
    }
}
