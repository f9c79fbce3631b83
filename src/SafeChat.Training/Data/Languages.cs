namespace SafeChat.Training.Data;

/// <summary>The chat languages the training data carries in its <c>lang</c> field.</summary>
internal static class Languages
{
    public const string English = "en";

    /// <summary>Every language code the readers accept, in table order.</summary>
    public static IReadOnlyList<string> All { get; } = [English, "es", "de", "nl", "hi-en"];

    /// <summary>Reads a <c>lang</c> value: lowercase, <c>hinglish</c>/<c>hi_en</c>/<c>hi</c> → <c>hi-en</c>; unknown codes throw.</summary>
    public static string Parse(string? value)
    {
        string code = (value ?? English).Trim().ToLowerInvariant().Replace('_', '-');
        code = code is "hinglish" or "hi" ? "hi-en" : code;
        return All.Contains(code) ? code : throw new FormatException($"field 'lang': unknown language '{value}' (expected {string.Join(", ", All)})");
    }
}
