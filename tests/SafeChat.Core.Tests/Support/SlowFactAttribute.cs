namespace SafeChat.Core.Tests.Support;

/// <summary>A fact that only runs when SAFECHAT_SLOW_TESTS=1; otherwise it is reported as skipped.</summary>
internal sealed class SlowFactAttribute : FactAttribute
{
    public SlowFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("SAFECHAT_SLOW_TESTS") != "1")
        {
            Skip = "Slow: set SAFECHAT_SLOW_TESTS=1 to run.";
        }
    }
}
