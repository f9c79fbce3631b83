using SafeChat.Training.Data;
using SafeChat.Training.Evaluation;

namespace SafeChat.Training;

/// <summary>The <c>safechat train</c> entry point.</summary>
public static class TrainCommand
{
    /// <summary>
    /// Trains the signals and risk models from the given corpora, evaluates them on held-out data and writes
    /// <c>models/&lt;model-id&gt;/</c> plus <c>models/EVALUATION.md</c>. Returns a process exit code.
    /// </summary>
    /// <param name="args">Command-line arguments after <c>train</c>.</param>
    /// <param name="stdout">Where progress and metrics go.</param>
    /// <param name="stderr">Where errors go.</param>
    public static Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        var options = TrainingOptions.Parse(args, stderr);
        if (options is null)
        {
            return Task.FromResult(2);
        }

        try
        {
            var data = TrainingData.Load(options, stdout);
            var models = new TrainingPipeline(options, stdout).Train(data);
            var scorer = TrainingPipeline.CreateManagedScorer(models.Featurizer, models.Signals, models.Risk, models.Thresholds);
            var results = HeldoutEvaluation.Run(scorer, models.Thresholds, data, stdout);
            stdout.WriteLine(HeldoutEvaluation.Markdown(results));
            return Task.FromResult(0);
        }
        catch (DataFormatException ex)
        {
            stderr.WriteLine($"train: {ex.Message}");
            return Task.FromResult(1);
        }
        catch (IOException ex)
        {
            stderr.WriteLine($"train: {ex.Message}");
            return Task.FromResult(1);
        }
    }
}
