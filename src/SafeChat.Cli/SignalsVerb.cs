using System.CommandLine;
using System.Security.Cryptography;
using System.Text.Json;
using SafeChat.Sharing;

namespace SafeChat.Cli;

/// <summary>
/// <c>safechat signals keygen|export|import|match</c>: hashed indicator sharing between platforms (Lantern-style).
/// Raw identifiers never leave: exports hold HMAC-SHA256 values under the partners' shared secret, signed with ECDSA P-256.
/// </summary>
internal static class SignalsVerb
{
    public static Command Create(CliContext context)
    {
        var command = new Command("signals", "Share hashed signals of confirmed cases with partner platforms, and match theirs.");
        var secret = new Option<string>("--secret") { Description = "file holding the partners' shared HMAC secret (base64, at least 32 bytes)", Required = true };
        var keyId = new Option<string>("--key-id") { Description = "the shared secret's agreed name", Required = true };

        var privateOut = new Option<string>("--private") { Description = "where to write this platform's private signing key (keep it secret)", Required = true };
        var publicOut = new Option<string>("--public") { Description = "where to write the public key to give partners", Required = true };
        var keygen = new Command("keygen", "Create an ECDSA P-256 signing key pair for this platform.") { privateOut, publicOut };
        keygen.SetAction(parse => Keygen(context, parse.GetRequiredValue(privateOut), parse.GetRequiredValue(publicOut)));

        var cases = new Argument<string>("CASES") { Description = "JSONL, one case per line: {\"case\", \"confirmed\", \"indicators\": [{\"type\", \"value\"}]}" };
        var output = new Option<string>("-o", "--output") { Description = "the signed indicator file to write", Required = true };
        var producer = new Option<string>("--producer") { Description = "this platform's name, as partners know it", Required = true };
        var signingKey = new Option<string>("--signing-key") { Description = "this platform's private key file (from keygen)", Required = true };
        var reason = new Option<string>("--reason") { Description = "why the indicators are shared (or retracted)", Required = true };
        var days = new Option<int>("--days") { Description = "how many days partners keep the indicators", DefaultValueFactory = _ => 90 };
        var retract = new Option<bool>("--retract") { Description = "write a retraction of these cases' indicators (after a successful appeal)" };
        var export = new Command("export", "Hash the identifiers of reviewer-confirmed cases into a signed indicator file (unconfirmed cases are skipped).")
            { cases, output, producer, signingKey, reason, days, retract, secret, keyId };
        export.SetAction(parse => Export(context, parse.GetRequiredValue(cases), parse.GetRequiredValue(output), parse.GetRequiredValue(producer), parse.GetRequiredValue(signingKey),
            parse.GetRequiredValue(reason), parse.GetValue(days), parse.GetValue(retract), parse.GetRequiredValue(secret), parse.GetRequiredValue(keyId)));

        var files = new Argument<string[]>("FILE") { Description = "indicator files from partners", Arity = ArgumentArity.OneOrMore };
        var trust = new Option<string[]>("--trust") { Description = "NAME=PUBLIC_KEY_FILE of a partner whose files are accepted; repeat for several", Required = true };
        var import = new Command("import", "Check partners' indicator files (signature, producer, key, expiry) and summarise them.") { files, trust, secret, keyId };
        import.SetAction(parse => Import(context, parse.GetRequiredValue(files), parse.GetRequiredValue(trust), parse.GetRequiredValue(secret), parse.GetRequiredValue(keyId), print: true, out _));

        var indicators = new Option<string[]>("--indicators") { Description = "partners' indicator files (applied in order; retractions remove leads)", Required = true, AllowMultipleArgumentsPerToken = true };
        var identifiers = new Argument<string[]>("TYPE=VALUE") { Description = "identifiers to look up, for example email=a@b.com username=sk8r", Arity = ArgumentArity.OneOrMore };
        var match = new Command("match", "Look identifiers up in partners' indicators; print '#N,type,producer,reason' per lead (N: the argument's position).")
            { identifiers, indicators, trust, secret, keyId };
        match.SetAction(parse => Match(context, parse.GetRequiredValue(identifiers), parse.GetRequiredValue(indicators), parse.GetRequiredValue(trust), parse.GetRequiredValue(secret), parse.GetRequiredValue(keyId)));

        command.Add(keygen);
        command.Add(export);
        command.Add(import);
        command.Add(match);
        return command;
    }

    private static int Keygen(CliContext context, string privatePath, string publicPath)
    {
        using var key = IndicatorFiles.CreateSigningKey();
        try
        {
            File.WriteAllText(privatePath, IndicatorFiles.ExportPrivateKey(key) + "\n");
            File.WriteAllText(publicPath, IndicatorFiles.ExportPublicKey(key) + "\n");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            context.Error.WriteLine($"error: cannot write the key: {ex.Message}");
            return CliApplication.ExitFailure;
        }

        context.Output.WriteLine($"wrote {privatePath} (private, keep secret) and {publicPath} (public, give to partners)");
        return CliApplication.ExitOk;
    }

    private static int Export(CliContext context, string casesPath, string outputPath, string producer, string signingKeyPath, string reason, int days, bool retract, string secretPath, string keyId)
    {
        if (days <= 0)
        {
            context.Error.WriteLine("error: --days must be positive.");
            return CliApplication.ExitUsage;
        }

        if (!TryHasher(context, secretPath, keyId, out var hasher) || !TryKey(context, signingKeyPath, isPrivate: true, out var key))
        {
            return CliApplication.ExitFailure;
        }

        using (key)
        {
            var confirmed = new List<ConfirmedCase>();
            string[] lines;
            try
            {
                lines = File.ReadAllLines(casesPath);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                context.Error.WriteLine($"error: {casesPath}: cannot read the file ({ex.GetType().Name.Replace("Exception", string.Empty, StringComparison.Ordinal)})");
                return CliApplication.ExitFailure;
            }

            var name = Path.GetFileName(casesPath);
            for (var i = 0; i < lines.Length; i++)
            {
                if (string.IsNullOrWhiteSpace(lines[i]))
                {
                    continue;
                }

                if (ParseCase(lines[i], out var error) is not { } parsed)
                {
                    context.Error.WriteLine($"error: {name}:{i + 1}: {error}");
                    return CliApplication.ExitFailure;
                }

                if (!parsed.ReviewerConfirmed && !retract)
                {
                    context.Error.WriteLine($"{name}:{i + 1}: not reviewer-confirmed (skipped)");
                    continue;
                }

                confirmed.Add(parsed);
            }

            var exporter = new SignalExporter(hasher!, producer, context.TimeProvider);
            var file = retract
                ? exporter.Retract(new ConfirmedCase("retraction", false, [.. confirmed.SelectMany(c => c.Indicators)]), reason, TimeSpan.FromDays(days))
                : exporter.Export(confirmed, reason, TimeSpan.FromDays(days));
            try
            {
                File.WriteAllText(outputPath, IndicatorFiles.Write(file, key!));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                context.Error.WriteLine($"error: cannot write {outputPath}: {ex.Message}");
                return CliApplication.ExitFailure;
            }

            context.Output.WriteLine($"wrote {outputPath}: {(retract ? "retraction of" : "")}{file.Indicators.Count} indicators from {confirmed.Count} cases, expires {file.ExpiresAt:O}");
            return CliApplication.ExitOk;
        }
    }

    private static int Import(CliContext context, string[] files, string[] trust, string secretPath, string keyId, bool print, out IndicatorStore? store)
    {
        store = null;
        if (!TryHasher(context, secretPath, keyId, out var hasher) || !TryTrust(context, trust, out var trusted))
        {
            return CliApplication.ExitFailure;
        }

        store = new IndicatorStore(hasher!, context.TimeProvider);
        var failed = 0;
        foreach (var path in files)
        {
            try
            {
                var file = IndicatorFiles.Read(File.ReadAllText(path), Path.GetFileName(path), trusted!);
                var changed = store.Import(file);
                if (print)
                {
                    context.Output.WriteLine($"ok: {path}: {(file.Kind == IndicatorFileKind.Retraction ? "retraction" : "indicators")} from {file.Producer}, {changed} indicators, reason \"{file.Reason}\", created {file.CreatedAt:O}, expires {file.ExpiresAt:O}");
                }
            }
            catch (IndicatorFileException ex)
            {
                context.Error.WriteLine("error: " + ex.Message);
                failed++;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                context.Error.WriteLine($"error: {path}: cannot read the file ({ex.GetType().Name.Replace("Exception", string.Empty, StringComparison.Ordinal)})");
                failed++;
            }
        }

        foreach (var key in trusted!.Values)
        {
            key.Dispose();
        }

        return failed == 0 ? CliApplication.ExitOk : CliApplication.ExitFailure;
    }

    private static int Match(CliContext context, string[] identifiers, string[] indicatorFiles, string[] trust, string secretPath, string keyId)
    {
        var imported = Import(context, indicatorFiles, trust, secretPath, keyId, print: false, out var store);
        if (imported != CliApplication.ExitOk || store is null)
        {
            return CliApplication.ExitFailure;
        }

        for (var i = 0; i < identifiers.Length; i++)
        {
            var equals = identifiers[i].IndexOf('=', StringComparison.Ordinal);
            var type = equals > 0 ? identifiers[i][..equals] : string.Empty;
            if (!IndicatorTypes.All.Contains(type))
            {
                context.Error.WriteLine($"error: argument #{i + 1}: expected TYPE=VALUE with TYPE one of {string.Join(", ", IndicatorTypes.All)}.");
                return CliApplication.ExitUsage;
            }

            foreach (var lead in store.Match(type, identifiers[i][(equals + 1)..]))
            {
                context.Output.WriteLine($"#{i + 1},{lead.IndicatorType},{lead.Producer},{lead.Reason}");
            }
        }

        return CliApplication.ExitOk;
    }

    private static ConfirmedCase? ParseCase(string line, out string error)
    {
        error = string.Empty;
        try
        {
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("indicators", out var list) || list.ValueKind != JsonValueKind.Array)
            {
                error = "expected an object with an \"indicators\" array";
                return null;
            }

            var confirmed = root.TryGetProperty("confirmed", out var c) && c.ValueKind == JsonValueKind.True;
            var id = root.TryGetProperty("case", out var caseId) && caseId.ValueKind == JsonValueKind.String ? caseId.GetString()! : string.Empty;
            var raw = new List<RawIndicator>();
            var n = 0;
            foreach (var item in list.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.Object
                    || !item.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String || !IndicatorTypes.All.Contains(type.GetString()!)
                    || !item.TryGetProperty("value", out var value) || value.ValueKind != JsonValueKind.String)
                {
                    error = $"indicators[{n}]: expected {{\"type\": one of {string.Join(", ", IndicatorTypes.All)}, \"value\": a string}}";
                    return null;
                }

                raw.Add(new RawIndicator(type.GetString()!, value.GetString()!));
                n++;
            }

            return new ConfirmedCase(id, confirmed, raw);
        }
        catch (JsonException ex)
        {
            error = $"invalid JSON at byte {ex.BytePositionInLine ?? 0}";
            return null;
        }
    }

    private static bool TryHasher(CliContext context, string secretPath, string keyId, out IndicatorHasher? hasher)
    {
        hasher = null;
        try
        {
            hasher = new IndicatorHasher(Convert.FromBase64String(File.ReadAllText(secretPath).Trim()), keyId);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            context.Error.WriteLine($"error: {secretPath}: cannot read the shared secret");
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException)
        {
            context.Error.WriteLine($"error: {secretPath}: the shared secret must be base64 of at least 32 bytes, and --key-id non-empty");
        }

        return false;
    }

    private static bool TryKey(CliContext context, string path, bool isPrivate, out ECDsa? key)
    {
        key = null;
        try
        {
            var text = File.ReadAllText(path).Trim();
            key = isPrivate ? IndicatorFiles.ImportPrivateKey(text) : IndicatorFiles.ImportPublicKey(text);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            context.Error.WriteLine($"error: {path}: cannot read the key");
        }
        catch (FormatException ex)
        {
            context.Error.WriteLine($"error: {path}: {ex.Message}");
        }

        return false;
    }

    private static bool TryTrust(CliContext context, string[] trust, out Dictionary<string, ECDsa>? trusted)
    {
        trusted = new Dictionary<string, ECDsa>(StringComparer.Ordinal);
        foreach (var entry in trust)
        {
            var equals = entry.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0 || equals == entry.Length - 1)
            {
                context.Error.WriteLine("error: --trust expects NAME=PUBLIC_KEY_FILE.");
                return false;
            }

            if (!TryKey(context, entry[(equals + 1)..], isPrivate: false, out var key))
            {
                return false;
            }

            trusted[entry[..equals]] = key!;
        }

        return true;
    }
}
