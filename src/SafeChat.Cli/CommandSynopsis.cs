namespace SafeChat.Cli;

/// <summary>The one-line synopsis of each command, printed after a usage error.</summary>
internal static class CommandSynopsis
{
    public const string Score = "safechat score INPUT [--model DIR] [--policy FILE|PRESET] [--skip-invalid]";
    public const string Eval = "safechat eval GOLD [--policy FILE|PRESET] [--reviews FILE] [--target-fpr X] [--json] [--model DIR] [--skip-invalid] [--predictions FILE]";
    public const string Tune = "safechat tune GOLD -o FILE [--target-fpr X] [--target-precision P] [--base FILE|PRESET] [--reviews FILE] [--model DIR]";
    public const string Explain = "safechat explain INPUT --id ID [--show-text] [--policy FILE|PRESET] [--model DIR]";
    public const string Report = "safechat report GOLD -o FILE [--policy FILE|PRESET] [--reviews FILE] [--show-text] [--target-fpr X] [--model DIR]";
    public const string PolicyValidate = "safechat policy validate FILE|PRESET";
    public const string PolicyList = "safechat policy list";
    public const string PolicyShow = "safechat policy show PRESET";

    public const string ImageHash = "safechat image hash FILE... [--dihedral] [--exact]";
    public const string ImageMatch = "safechat image match FILE... --list LIST [--threshold N] [--min-quality Q]";
    public const string Signals = "safechat signals keygen --private FILE --public FILE | export CASES -o FILE --producer NAME --signing-key FILE --reason R --secret FILE --key-id ID [--days N] [--retract] | import FILE... --trust NAME=KEYFILE --secret FILE --key-id ID | match TYPE=VALUE... --indicators FILE... --trust NAME=KEYFILE --secret FILE --key-id ID";

    public static string? For(string path) => path switch
    {
        "image" => $"{ImageHash} | {ImageMatch}",
        "image hash" => ImageHash,
        "image match" => ImageMatch,
        "signals" or "signals keygen" or "signals export" or "signals import" or "signals match" => Signals,
        "score" => Score,
        "eval" => Eval,
        "tune" => Tune,
        "explain" => Explain,
        "report" => Report,
        "policy" => $"{PolicyValidate} | {PolicyList} | {PolicyShow}",
        "policy validate" => PolicyValidate,
        "policy list" => PolicyList,
        "policy show" => PolicyShow,
        _ => null,
    };
}
