using System.CommandLine;

namespace SafeChat.Cli;

/// <summary>Options several commands share, with one description each.</summary>
internal static class SharedOptions
{
    public static Option<string> Model() =>
        new("--model") { Description = "Load the ONNX models from DIR instead of the models embedded in the tool.", HelpName = "DIR" };

    public static Option<string> Policy(string description) =>
        new("--policy") { Description = description, HelpName = "FILE|PRESET" };

    public static Option<string> Reviews() =>
        new("--reviews")
        {
            Description = "Reviewer decisions (JSONL: conversation_id, harm, decision confirmed|false_positive, reviewed_at) that override the gold labels: confirmed makes the conversation positive for that harm, false_positive negative.",
            HelpName = "FILE",
        };

    public static Option<double> TargetFpr(double defaultValue) =>
        new("--target-fpr")
        {
            Description = "The target false-positive rate: the share of benign conversations allowed to alert (0.01 = 1%).",
            HelpName = "X",
            DefaultValueFactory = _ => defaultValue,
        };

    public static Option<string> OutputFile(string description) =>
        new("--output", "-o") { Description = description, HelpName = "FILE", Required = true };

    public static Option<bool> SkipInvalid() =>
        new("--skip-invalid") { Description = "Report each invalid line on stderr and go on, instead of stopping at the first one." };
}
