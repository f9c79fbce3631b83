namespace SafeChat.Policies;

/// <summary>One problem found while loading or building a policy.</summary>
/// <param name="Source">The file name (or <c>builder</c>, or <c>preset:NAME</c>).</param>
/// <param name="Line">The 1-based line, or 0 when there is no source text.</param>
/// <param name="Column">The 1-based column, or 0 when there is no source text.</param>
/// <param name="Path">Where in the policy, for example <c>rules[2].actions[0].action</c>.</param>
/// <param name="Reason">What is wrong, in plain words.</param>
public sealed record PolicyError(string Source, int Line, int Column, string Path, string Reason)
{
    /// <summary>
    /// Formats the error as <c>file:line:column: path: reason</c> (or <c>source: path: reason</c> without a line). Control
    /// and bidi characters are written as <c>\uXXXX</c>, so a policy file cannot drive the terminal through an error.
    /// </summary>
    public override string ToString() =>
        Line > 0
            ? $"{Json.PolicyText.Escape(Source)}:{Line}:{Column}: {Json.PolicyText.Escape(Path)}: {Json.PolicyText.Escape(Reason)}"
            : $"{Json.PolicyText.Escape(Source)}: {Json.PolicyText.Escape(Path)}: {Json.PolicyText.Escape(Reason)}";
}
