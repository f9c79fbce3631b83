using Microsoft.Extensions.Time.Testing;
using SafeChat.Server.Redis;

namespace SafeChat.Server.Tests.Redis;

/// <summary>The breaker's state machine on a fake clock (the real-Redis behaviour is in <see cref="RedisFailOpenTests"/>).</summary>
public sealed class RedisCircuitBreakerTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 5, 12, 0, 0, TimeSpan.Zero));

    private RedisCircuitBreaker Breaker() => new(3, TimeSpan.FromSeconds(5), _time);

    private static void Fail(RedisCircuitBreaker breaker)
    {
        Assert.True(breaker.TryEnter(out var probe));
        breaker.OnFailure(probe);
    }

    [Fact]
    public void TryEnter_ThreeConsecutiveFailures_OpensAndRejectsWithoutAttempting()
    {
        var breaker = Breaker();
        var opened = 0;
        breaker.Opened += failures => opened = failures;

        Fail(breaker);
        Fail(breaker);
        Assert.Equal(CircuitState.Closed, breaker.State);
        Fail(breaker);

        Assert.Equal(CircuitState.Open, breaker.State);
        Assert.Equal(3, opened);
        Assert.False(breaker.TryEnter(out _));
        Assert.False(breaker.TryEnter(out _));
        Assert.Equal(3, breaker.Attempts);
        Assert.Equal(2, breaker.Rejections);
    }

    [Fact]
    public void TryEnter_SuccessBetweenFailures_ResetsTheCount()
    {
        var breaker = Breaker();

        Fail(breaker);
        Fail(breaker);
        Assert.True(breaker.TryEnter(out var probe));
        breaker.OnSuccess(probe);
        Fail(breaker);
        Fail(breaker);

        Assert.Equal(CircuitState.Closed, breaker.State);
    }

    [Fact]
    public void TryEnter_AfterBreakDuration_LetsOneProbeThroughAndClosesOnSuccess()
    {
        var breaker = Breaker();
        var closed = false;
        breaker.Closed += () => closed = true;
        Fail(breaker);
        Fail(breaker);
        Fail(breaker);

        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.True(breaker.TryEnter(out var probe));
        Assert.True(probe);
        Assert.Equal(CircuitState.HalfOpen, breaker.State);
        Assert.False(breaker.TryEnter(out _)); // one probe at a time
        breaker.OnSuccess(probe);

        Assert.Equal(CircuitState.Closed, breaker.State);
        Assert.True(closed);
        Assert.True(breaker.TryEnter(out var normal));
        Assert.False(normal);
    }

    [Fact]
    public void TryEnter_ProbeFails_OpensAgainForAnotherBreakDuration()
    {
        var breaker = Breaker();
        Fail(breaker);
        Fail(breaker);
        Fail(breaker);
        _time.Advance(TimeSpan.FromSeconds(5));

        Fail(breaker);

        Assert.Equal(CircuitState.Open, breaker.State);
        _time.Advance(TimeSpan.FromSeconds(4));
        Assert.False(breaker.TryEnter(out _));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(breaker.TryEnter(out var probe));
        Assert.True(probe);
    }

    [Fact]
    public void OnAbandoned_ProbeCancelled_FreesTheProbeSlot()
    {
        var breaker = Breaker();
        Fail(breaker);
        Fail(breaker);
        Fail(breaker);
        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.True(breaker.TryEnter(out var probe));

        breaker.OnAbandoned(probe);

        Assert.True(breaker.TryEnter(out var next));
        Assert.True(next);
    }
}
