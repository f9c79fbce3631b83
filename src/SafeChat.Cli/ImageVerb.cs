using System.CommandLine;
using SafeChat.Conversations;
using SafeChat.Imaging;

namespace SafeChat.Cli;

/// <summary><c>safechat image hash|match</c>: PDQ, MD5 and SHA-256 of image files, and matching them against hash lists.</summary>
internal static class ImageVerb
{
    public static Command Create(CliContext context)
    {
        var command = new Command("image", "Hash images (PDQ, MD5, SHA-256) or match them against known-image hash lists.");

        var hashFiles = new Argument<string[]>("FILE") { Description = "image files (JPEG, PNG, BMP, GIF, TGA, PSD, HDR, PIC)", Arity = ArgumentArity.OneOrMore };
        var dihedral = new Option<bool>("--dihedral") { Description = "also print the PDQ hashes of the 7 rotations and flips (one line each, file suffixed with #rotate90 etc.)" };
        var exact = new Option<bool>("--exact") { Description = "print hash,quality,md5,sha256,file instead of hash,quality,file" };
        var hash = new Command("hash", "Print 'pdq-hash,quality,file' per image, like the PDQ reference tools.") { hashFiles, dihedral, exact };
        hash.SetAction(parse => Hash(context, parse.GetRequiredValue(hashFiles), parse.GetValue(dihedral), parse.GetValue(exact)));

        var matchFiles = new Argument<string[]>("FILE") { Description = "image files", Arity = ArgumentArity.OneOrMore };
        var lists = new Option<string[]>("--list") { Description = "a hash list file (type,hash,list[,label] per line); repeat for several", Required = true, AllowMultipleArgumentsPerToken = false };
        var threshold = new Option<int>("--threshold") { Description = "largest PDQ Hamming distance that matches (0-256)", DefaultValueFactory = _ => HashListMatcherOptions.DefaultPdqThreshold };
        var minQuality = new Option<int>("--min-quality") { Description = "ignore PDQ hashes of lower quality (0-100)", DefaultValueFactory = _ => HashListMatcherOptions.DefaultMinQuality };
        var match = new Command("match", "Match images against hash lists; print 'file,list,hash_type,distance,label' per match.") { matchFiles, lists, threshold, minQuality };
        match.SetAction(parse => Match(context, parse.GetRequiredValue(matchFiles), parse.GetRequiredValue(lists), parse.GetValue(threshold), parse.GetValue(minQuality)));

        command.Add(hash);
        command.Add(match);
        return command;
    }

    private static int Hash(CliContext context, string[] files, bool dihedral, bool exact)
    {
        var failed = 0;
        foreach (var file in files)
        {
            if (!TryRead(context, file, out var bytes))
            {
                failed++;
                continue;
            }

            try
            {
                var hashes = ImageHasher.Hash(bytes);
                context.Output.WriteLine(exact
                    ? $"{hashes.Pdq},{hashes.Quality},{hashes.Md5},{hashes.Sha256},{file}"
                    : $"{hashes.Pdq},{hashes.Quality},{file}");
                if (dihedral)
                {
                    var variants = ImageHasher.HashDihedral(bytes, out var quality);
                    for (var d = 1; d < variants.Count; d++)
                    {
                        context.Output.WriteLine($"{variants[d]},{quality},{file}#{((PdqDihedral)d).ToString().ToLowerInvariant()}");
                    }
                }
            }
            catch (ImageDecodeException ex)
            {
                context.Error.WriteLine($"error: {file}: {ex.Message}");
                failed++;
            }
        }

        return failed == 0 ? CliApplication.ExitOk : CliApplication.ExitFailure;
    }

    private static int Match(CliContext context, string[] files, string[] lists, int threshold, int minQuality)
    {
        HashListMatcher matcher;
        try
        {
            matcher = new HashListMatcher(HashListIndex.FromFiles(lists), new HashListMatcherOptions { PdqThreshold = threshold, MinQuality = minQuality });
        }
        catch (HashListFormatException ex)
        {
            context.Error.WriteLine("error: " + ex.Message);
            return CliApplication.ExitFailure;
        }
        catch (ArgumentOutOfRangeException ex)
        {
            context.Error.WriteLine($"error: {ex.ParamName switch { "PdqThreshold" => "--threshold must be 0 to 256", "MinQuality" => "--min-quality must be 0 to 100", _ => ex.Message }}.");
            return CliApplication.ExitUsage;
        }
        catch (IOException ex)
        {
            context.Error.WriteLine($"error: cannot read a hash list: {ex.Message}");
            return CliApplication.ExitFailure;
        }
        catch (UnauthorizedAccessException ex)
        {
            context.Error.WriteLine($"error: cannot read a hash list: {ex.Message}");
            return CliApplication.ExitFailure;
        }

        var failed = 0;
        var matched = 0;
        foreach (var file in files)
        {
            if (!TryRead(context, file, out var bytes))
            {
                failed++;
                continue;
            }

            var matches = matcher.MatchAsync([ImageAttachment.FromBytes(bytes)]).AsTask().GetAwaiter().GetResult();
            if (matches.Count > 0)
            {
                matched++;
            }

            foreach (var m in matches)
            {
                context.Output.WriteLine($"{file},{m.ListName},{m.HashType},{m.Distance},{m.Label}");
            }
        }

        context.Error.WriteLine($"matched {matched} of {files.Length} files against {matcher.Index.Count} hashes");
        return failed == 0 ? CliApplication.ExitOk : CliApplication.ExitFailure;
    }

    private static bool TryRead(CliContext context, string file, out byte[] bytes)
    {
        try
        {
            bytes = File.ReadAllBytes(file);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            context.Error.WriteLine($"error: {file}: cannot read the file ({ex.GetType().Name.Replace("Exception", string.Empty, StringComparison.Ordinal)})");
            bytes = [];
            return false;
        }
    }
}
