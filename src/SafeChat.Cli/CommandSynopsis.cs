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

    public static string? For(string path) => path switch
    {
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
