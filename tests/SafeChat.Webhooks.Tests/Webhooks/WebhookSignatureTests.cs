using System.Text;
using Microsoft.Extensions.Time.Testing;
using SafeChat.Webhooks.Tests.Infrastructure;

namespace SafeChat.Webhooks.Tests.Webhooks;

public class WebhookSignatureTests
{
    private const string Secret = "whsec_test_0123456789abcdef";
    private readonly FakeTimeProvider _time = new(Fixtures.Start);

    private long Now => _time.GetUtcNow().ToUnixTimeSeconds();

    [Fact]
    public void Sign_KnownVector_MatchesIndependentHmac()
    {
        var body = Encoding.UTF8.GetBytes("{\"a\":1}");
        using var hmac = new System.Security.Cryptography.HMACSHA256(Encoding.UTF8.GetBytes(Secret));
        var expected = "sha256=" + Convert.ToHexStringLower(hmac.ComputeHash(Encoding.UTF8.GetBytes("1700000000.{\"a\":1}")));

        Assert.Equal(expected, WebhookSignature.Sign(Secret, 1700000000, body));
    }

    [Fact]
    public void Verify_UntouchedBody_IsValid()
    {
        var body = Encoding.UTF8.GetBytes("{\"idempotencyKey\":\"esc_1\"}");
        var header = WebhookSignature.Sign(Secret, Now, body);

        Assert.True(WebhookSignature.Verify(Secret, Now.ToString(), body, header, TimeSpan.FromMinutes(5), _time));
    }

    [Fact]
    public void Verify_TamperedBody_Fails()
    {
        var body = Encoding.UTF8.GetBytes("{\"severity\":\"high\"}");
        var header = WebhookSignature.Sign(Secret, Now, body);
        var tampered = Encoding.UTF8.GetBytes("{\"severity\":\"low\"}");

        Assert.False(WebhookSignature.Verify(Secret, Now.ToString(), tampered, header, TimeSpan.FromMinutes(5), _time));
        Assert.Equal(WebhookSignatureStatus.Mismatch, WebhookSignature.Check(Secret, Now.ToString(), tampered, header, TimeSpan.FromMinutes(5), _time));
    }

    [Fact]
    public void Check_TamperedTimestampOrWrongSecret_IsMismatch()
    {
        var body = Encoding.UTF8.GetBytes("{}");
        var header = WebhookSignature.Sign(Secret, Now, body);

        Assert.Equal(WebhookSignatureStatus.Mismatch, WebhookSignature.Check(Secret, (Now - 1).ToString(), body, header, TimeSpan.FromMinutes(5), _time));
        Assert.Equal(WebhookSignatureStatus.Mismatch, WebhookSignature.Check("another-secret-of-16+", Now.ToString(), body, header, TimeSpan.FromMinutes(5), _time));
    }

    [Fact]
    public void Check_OldTimestamp_IsExpired()
    {
        var body = Encoding.UTF8.GetBytes("{}");
        var sentAt = Now;
        var header = WebhookSignature.Sign(Secret, sentAt, body);
        _time.Advance(TimeSpan.FromMinutes(6));

        Assert.Equal(WebhookSignatureStatus.Expired, WebhookSignature.Check(Secret, sentAt.ToString(), body, header, TimeSpan.FromMinutes(5), _time));
    }

    [Theory]
    [InlineData(null, "sha256=00")]
    [InlineData("1700000000", null)]
    [InlineData("17e8", "sha256=0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("1700000000", "md5=0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("1700000000", "sha256=zz00000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("1700000000", "sha256=0000")]
    public void Check_MalformedHeaders_IsMalformed(string? timestamp, string? header)
    {
        Assert.Equal(WebhookSignatureStatus.Malformed, WebhookSignature.Check(Secret, timestamp, "{}"u8, header, TimeSpan.FromMinutes(5), _time));
    }
}
