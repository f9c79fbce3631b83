using System.CommandLine;
using System.Globalization;
using System.Text;
using SafeChat.Conversations;
using SafeChat.Engine;
using SafeChat.Policies;
using SafeChat.Scoring;

namespace SafeChat.Cli;

/// <summary>
/// <c>safechat explain INPUT --id X</c>: replays one conversation through the engine exactly as <c>score</c> does
/// (signals scored in one batch, then the engine message by message) and prints, per message, the risk per harm as it
/// builds, the signals that fired and the author each points to, the authors newly flagged, and the policy's decisions.
/// Message text is printed only with <c>--show-text</c>.
/// </summary>
internal static class ExplainVerb
{
    public static Command Create(CliContext context)
    {
        var input = new Argument<string>("INPUT") { Description = "a JSONL file of conversations, or - for stdin" };
        var id = new Option<string>("--id") { Description = "The id of the conversation to explain (the first line with that id).", HelpName = "ID", Required = true };
        var showText = new Option<bool>("--show-text") { Description = "Also print each message's text (off by default: reports and screens stay text-free)." };
        var policy = SharedOptions.Policy("Apply a policy file or preset and show its decisions on each message.");
        var model = SharedOptions.Model();
        var command = new Command("explain", "Show one conversation message by message: risk per harm as it builds, the signals that fired and the author they point to, flagged authors and policy decisions.")
        {
            input, id, showText, policy, model,
        };
        command.SetAction((parse, cancellationToken) => RunAsync(
            context, parse.GetRequiredValue(input), parse.GetRequiredValue(id), parse.GetValue(showText), parse.GetValue(policy), parse.GetValue(model), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(CliContext context, string input, string id, bool showText, string? policyPath, string? model, CancellationToken cancellationToken)
    {
        var name = input == "-" ? "<stdin>" : input;
        var stream = input == "-" ? context.Stdin : await GoldFile.OpenAsync(input, context.Error).ConfigureAwait(false);
        if (stream is null)
        {
            return CliApplication.ExitFailure;
        }

        InputConversation? conversation = null;
        var lineNumber = 0;
        try
        {
            await foreach (var line in JsonlLineReader.ReadAsync(stream, cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                if (line.TooLong || ConversationParser.IsBlank(line.Bytes.Span))
                {
                    continue;
                }

                if (ConversationParser.TryParse(line.Bytes, out var parsed, out _) && parsed!.Id == id)
                {
                    conversation = parsed;
                    lineNumber = line.Number;
                    break;
                }
            }
        }
        finally
        {
            if (input != "-")
            {
                await stream.DisposeAsync().ConfigureAwait(false);
            }
        }

        if (conversation is null)
        {
            await context.Error.WriteLineAsync($"error: {name}: no valid conversation with id '{id}'").ConfigureAwait(false);
            return CliApplication.ExitFailure;
        }

        var scorer = await context.LoadScorerAsync(model).ConfigureAwait(false);
        if (scorer is null)
        {
            return CliApplication.ExitFailure;
        }

        IMessagePolicy? policy;
        try
        {
            policy = context.PolicyLoader(policyPath);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            await context.Error.WriteLineAsync($"error: could not load the policy: {ex.Message}").ConfigureAwait(false);
            return CliApplication.ExitFailure;
        }

        // The clock `safechat score` uses by default: each message's own time (idle expiry, dormancy, 24 h counters).
        var options = new SafeChatEngineOptions { Clock = EngineClock.MessageTime };
        var engine = new SafeChatEngine(scorer, options, policy, timeProvider: context.TimeProvider);
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"conversation {conversation.Id} ({name}:{lineNumber}): {conversation.Messages.Count} messages, room {conversation.RoomKind.ToString().ToLowerInvariant()}, model {scorer.Descriptor.ModelVersion}");
        text.Append(policy is PolicyEngine p ? $", policy {p.Version}\n" : policy is null ? ", no policy\n" : ", policy\n");
        text.Append("people: ").Append(string.Join(", ", conversation.Participants.Values.Select(pp => $"{pp.Id} ({pp.AgeBand.ToString().ToLowerInvariant()})"))).Append('\n');
        text.Append("alert thresholds: ").Append(string.Join(", ", engine.AlertThresholds.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => FormattableString.Invariant($"{t.Key} {t.Value:0.###}")))).Append(" ('!' = at or above it)\n");

        var signals = ScoreSignals(conversation, scorer, engine);
        var key = "explain-" + lineNumber.ToString(CultureInfo.InvariantCulture);
        var room = new Room(key, conversation.RoomKind);
        var flagged = new HashSet<string>(StringComparer.Ordinal);
        var harms = HarmNames.All;
        try
        {
            for (var i = 0; i < conversation.Messages.Count; i++)
            {
                var message = conversation.Messages[i];
                var sender = conversation.Participants[message.Author];
                var recipients = conversation.Participants.Values.Where(pp => !string.Equals(pp.Id, message.Author, StringComparison.Ordinal)).ToArray();
                var evaluation = await engine.ProcessAsync(
                    new MessageEnvelope(new ChatMessage(i.ToString(CultureInfo.InvariantCulture), key, message.Author, message.Text, message.Time), room, sender, recipients)
                    {
                        PrecomputedSignals = signals[i],
                    },
                    cancellationToken).ConfigureAwait(false);
                var assessment = evaluation.Assessment;
                text.Append(CultureInfo.InvariantCulture, $"#{i,-3} {message.Author,-16}");
                foreach (var harm in harms)
                {
                    var risk = assessment.Harms.GetValueOrDefault(harm);
                    text.Append(CultureInfo.InvariantCulture, $"  {harm} {risk:0.000}{(risk >= engine.AlertThresholdFor(harm) ? "!" : " ")}");
                }

                var riskiest = assessment.Authors.Where(a => a.Risk > 0).MaxBy(a => a.Risk);
                if (riskiest is not null)
                {
                    text.Append("  riskiest: ").Append(riskiest.AuthorId);
                }

                if (evaluation.RaisedAlert)
                {
                    text.Append("  << FIRST ALERT");
                }

                text.Append('\n');
                if (showText)
                {
                    text.Append("     text: ").Append(System.Text.Json.JsonSerializer.Serialize(message.Text)).Append('\n');
                }

                var fired = assessment.Signals.Where(s => s.MessageIndex == evaluation.MessageIndex && s.Probability >= options.SignalThreshold).ToArray();
                if (fired.Length > 0)
                {
                    text.Append("     signals: ").Append(string.Join(", ", fired.Select(s => FormattableString.Invariant($"{s.Signal} {s.Probability:0.00} ({s.Harm}, points to {s.AuthorId})")))).Append('\n');
                }
                else if (evaluation.Signals.Count > 0)
                {
                    text.Append("     signals: ").Append(string.Join(", ", evaluation.Signals.Select(s => $"{s} (points to {message.Author})"))).Append('\n');
                }

                foreach (var author in assessment.Authors)
                {
                    if (!flagged.Contains(author.AuthorId) && author.Harms.Any(h => h.Value >= engine.AlertThresholdFor(h.Key)))
                    {
                        flagged.Add(author.AuthorId);
                        var over = author.Harms.Where(h => h.Value >= engine.AlertThresholdFor(h.Key)).Select(h => FormattableString.Invariant($"{h.Key} {h.Value:0.000}"));
                        text.Append("     flagged author: ").Append(author.AuthorId).Append(" (").Append(string.Join(", ", over)).Append(")\n");
                    }
                }

                foreach (var decision in evaluation.Decisions)
                {
                    text.Append("     decision: ").Append(decision.RuleId).Append(' ').Append(ConversationResult.KebabCase(decision.Action.ToString()));
                    if (decision.Severity is { } severity)
                    {
                        text.Append(" (").Append(ConversationResult.KebabCase(severity.ToString())).Append(')');
                    }

                    if (decision.Harm is { } harm)
                    {
                        text.Append(CultureInfo.InvariantCulture, $" on {harm} {decision.Risk:0.000}");
                    }

                    if (decision.Shadow)
                    {
                        text.Append(" [shadow]");
                    }

                    text.Append('\n');
                }
            }
        }
        finally
        {
            await engine.EndConversationAsync(key, cancellationToken).ConfigureAwait(false);
        }

        text.Append("flagged authors: ").Append(flagged.Count == 0 ? "none" : string.Join(", ", flagged)).Append('\n');
        await context.Output.WriteAsync(text.ToString()).ConfigureAwait(false);
        return CliApplication.ExitOk;
    }

    private static MessageSignals[] ScoreSignals(InputConversation conversation, ISafetyScorer scorer, SafeChatEngine engine)
    {
        var signals = new MessageSignals[conversation.Messages.Count];
        var texts = new List<string>();
        var positions = new List<int>();
        for (var i = 0; i < signals.Length; i++)
        {
            var text = engine.TextForScoring(conversation.Messages[i].Text);
            if (text.Length == 0)
            {
                signals[i] = MessageSignals.Empty(scorer.Descriptor.SignalNames.Count);
            }
            else
            {
                texts.Add(text);
                positions.Add(i);
            }
        }

        if (texts.Count > 0)
        {
            var batch = scorer.AnalyzeBatch(texts);
            for (var i = 0; i < batch.Count; i++)
            {
                signals[positions[i]] = batch[i];
            }
        }

        return signals;
    }
}
