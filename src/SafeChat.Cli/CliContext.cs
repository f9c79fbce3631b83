using SafeChat.Policies;
using SafeChat.Scoring;

namespace SafeChat.Cli;

/// <summary>What every command needs: the process streams, the model and policy loaders, the clock and whether to draw progress.</summary>
internal sealed record CliContext(
    Stream Stdin,
    Stream Stdout,
    TextWriter Output,
    TextWriter Error,
    Func<string?, ISafetyScorer> ScorerFactory,
    Func<string?, IMessagePolicy?> PolicyLoader,
    TimeProvider TimeProvider,
    bool ShowProgress)
{
    /// <summary>Loads the scorer, or writes a clear error and returns null.</summary>
    public async Task<ISafetyScorer?> LoadScorerAsync(string? model)
    {
        try
        {
            return ScorerFactory(model);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            await Error.WriteLineAsync($"error: could not load the model: {ex.Message}").ConfigureAwait(false);
            return null;
        }
    }

    /// <summary>Loads a policy definition (file or preset) for commands that read its thresholds and rules, or writes the error and returns null.</summary>
    public async Task<PolicyDefinition?> LoadDefinitionAsync(string pathOrPreset)
    {
        try
        {
            return DefaultPolicy.Definition(pathOrPreset);
        }
        catch (Exception ex) when (ex is PolicyValidationException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            await Error.WriteLineAsync($"error: could not load the policy: {ex.Message}").ConfigureAwait(false);
            return null;
        }
    }

    /// <summary>A progress bar on stderr when it is a terminal, or a no-op.</summary>
    public ProgressBar Progress(string label, long total) => new(ShowProgress ? Error : null, label, total, TimeProvider);
}
