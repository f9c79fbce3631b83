using System.Globalization;

namespace SafeChat.Training;

/// <summary>Options of <c>safechat-train</c>.</summary>
internal sealed class TrainingOptions
{
    public string? PervertedJusticeDirectory { get; set; }

    public string? VtpanCsv { get; set; }

    public string? DotaJsonl { get; set; }

    public string? NpsJsonl { get; set; }

    public string? Pan12SampleJsonl { get; set; }

    public List<string> Conversations { get; } = [];

    public List<string> Lines { get; } = [];

    public List<string> Heldout { get; } = [];

    /// <summary>Hand-written external check sets: measured with the shipped models, never trained or tuned on.</summary>
    public List<string> External { get; } = [];

    public string OutputDirectory { get; set; } = "models";

    public int Seed { get; set; } = 42;

    /// <summary>Offender lines (and as many decoy lines) sampled from Perverted-Justice for the line model.</summary>
    public int PjLineSample { get; set; } = 40_000;

    public int Folds { get; set; } = 3;

    /// <summary>
    /// Example weight of Perverted-Justice offender lines weak-labelled with signals by patterns (0 turns weak labels off).
    /// </summary>
    public float WeakLabelWeight { get; set; }

    /// <summary>Also replay synthetic training conversations with their age bands hidden (aggregator rows).</summary>
    public bool HiddenAgeReplays { get; set; } = true;

    /// <summary>L2 regularization of the line heads.</summary>
    public float LineL2 { get; set; } = 0.5f;

    /// <summary>Upper bound of the positive example weight of the line heads.</summary>
    public float MaxPositiveWeight { get; set; } = 100f;

    /// <summary>
    /// Weight of each Perverted-Justice pseudo-conversation in the aggregator's training, relative to a synthetic one
    /// (1 = equal). PJ chats are 2000s IM with adult decoys; a low weight keeps the aggregator from leaning on the
    /// line-level style head they reward.
    /// </summary>
    public float AggregatorPjWeight { get; set; } = 0.2f;

    /// <summary>Tuning aid: train only the final line model and print its held-out message metrics.</summary>
    public bool LineOnly { get; set; }

    /// <summary>The command line as given (recorded in EVALUATION.md).</summary>
    public string CommandLine { get; set; } = string.Empty;

    public const string Usage =
        "usage: safechat-train --conversations FILE... --lines FILE... [--heldout FILE...] [--external FILE...] [--pj DIR] [--vtpan CSV] " +
        "[--dota JSONL] [--nps JSONL] [--pan12-sample JSONL] [--out DIR] [--seed N] [--pj-lines N] [--folds N] [--line-l2 X] [--max-positive-weight X] [--weak-label-weight X] [--aggregator-pj-weight X] [--line-only]";

    /// <summary>What <c>safechat-train --help</c> prints.</summary>
    public const string Help =
        """
        safechat-train — train the SafeChat signal and risk models (ML.NET), export them as ONNX with model cards,
        and print held-out metrics. Separate from the safechat tool so that scoring never downloads ML.NET.


        """ + Usage + """


        Data (paths; --conversations is required, the list options take several files):
          --conversations FILE...   labelled conversation JSONL (synthetic and hand-written)
          --lines FILE...           labelled single lines (signal examples)
          --heldout FILE...         held-out conversations: measured, never trained on
          --external FILE...        external check sets: measured with the exported models only
          --pj DIR --vtpan CSV --dota JSONL --nps JSONL --pan12-sample JSONL
                                    research corpora (models/EVALUATION.md shows the shipped models' command)
        Output and tuning:
          --out DIR                 where models/<model-id>/ and EVALUATION.md go (default: models)
          --seed N                  random seed (default 42); a re-run with the same inputs is byte-identical
          --pj-lines N --folds N --line-l2 X --max-positive-weight X --weak-label-weight X --aggregator-pj-weight X
          --line-only               train only the line model and print its held-out message metrics

        Exit codes: 0 success, 1 invalid data or failed export, 2 usage error.
        """;

    /// <summary>Parses arguments; returns null and writes the error when they are invalid.</summary>
    public static TrainingOptions? Parse(string[] args, TextWriter stderr)
    {
        var options = new TrainingOptions { CommandLine = "safechat-train " + string.Join(' ', args.Select(Quote)) };
        List<string>? multi = null;
        for (int i = 0; i < args.Length; i++)
        {
            string arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                if (multi is null)
                {
                    stderr.WriteLine($"train: unexpected argument '{arg}' (position {i + 1}). {Usage}");
                    return null;
                }

                multi.Add(arg);
                continue;
            }

            multi = null;
            if (arg is "--help" or "-h")
            {
                stderr.WriteLine(Usage);
                return null;
            }

            if (arg == "--line-only")
            {
                options.LineOnly = true;
                continue;
            }

            if (i + 1 >= args.Length || args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                stderr.WriteLine($"train: option {arg} needs a value. {Usage}");
                return null;
            }

            string value = args[++i];
            switch (arg)
            {
                case "--pj": options.PervertedJusticeDirectory = value; break;
                case "--vtpan": options.VtpanCsv = value; break;
                case "--dota": options.DotaJsonl = value; break;
                case "--nps": options.NpsJsonl = value; break;
                case "--pan12-sample": options.Pan12SampleJsonl = value; break;
                case "--out": options.OutputDirectory = value; break;
                case "--conversations": options.Conversations.Add(value); multi = options.Conversations; break;
                case "--lines": options.Lines.Add(value); multi = options.Lines; break;
                case "--heldout": options.Heldout.Add(value); multi = options.Heldout; break;
                case "--external": options.External.Add(value); multi = options.External; break;
                case "--line-l2" or "--max-positive-weight":
                    if (!float.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out float real) || real <= 0)
                    {
                        stderr.WriteLine($"train: option {arg} needs a positive number, got '{value}'.");
                        return null;
                    }

                    if (arg == "--line-l2")
                    {
                        options.LineL2 = real;
                    }
                    else
                    {
                        options.MaxPositiveWeight = real;
                    }

                    break;
                case "--weak-label-weight" or "--aggregator-pj-weight":
                    if (!float.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out float weak) || weak < 0)
                    {
                        stderr.WriteLine($"train: option {arg} needs a non-negative number, got '{value}'.");
                        return null;
                    }

                    if (arg == "--weak-label-weight")
                    {
                        options.WeakLabelWeight = weak;
                    }
                    else
                    {
                        options.AggregatorPjWeight = weak;
                    }

                    break;
                case "--seed" or "--pj-lines" or "--folds":
                    if (!int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int number) || number < 0)
                    {
                        stderr.WriteLine($"train: option {arg} needs a non-negative integer, got '{value}'.");
                        return null;
                    }

                    if (arg == "--seed")
                    {
                        options.Seed = number;
                    }
                    else if (arg == "--pj-lines")
                    {
                        options.PjLineSample = number;
                    }
                    else
                    {
                        options.Folds = Math.Max(2, number);
                    }

                    break;
                default:
                    stderr.WriteLine($"train: unknown option {arg}. {Usage}");
                    return null;
            }
        }

        if (options.Conversations.Count == 0)
        {
            stderr.WriteLine($"train: at least one --conversations file is required. {Usage}");
            return null;
        }

        foreach (var path in options.Conversations.Concat(options.Lines).Concat(options.Heldout).Concat(options.External)
                     .Concat(new[] { options.VtpanCsv, options.DotaJsonl, options.NpsJsonl, options.Pan12SampleJsonl }.OfType<string>()))
        {
            if (!File.Exists(path))
            {
                stderr.WriteLine($"train: file not found: {path}");
                return null;
            }
        }

        if (options.PervertedJusticeDirectory is not null && !Directory.Exists(options.PervertedJusticeDirectory))
        {
            stderr.WriteLine($"train: directory not found: {options.PervertedJusticeDirectory}");
            return null;
        }

        return options;
    }

    private static string Quote(string arg) => arg.Contains(' ', StringComparison.Ordinal) ? $"\"{arg}\"" : arg;
}
