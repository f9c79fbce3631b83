namespace SafeChat.Inference.Models;

internal static class ModelFileNames
{
    /// <summary>File names in a card are relative, <c>/</c>-separated and never leave the model directory.</summary>
    public static bool IsSafe(string name)
    {
        if (string.IsNullOrEmpty(name) || name.Contains('\\', StringComparison.Ordinal) || name.Contains(':', StringComparison.Ordinal)
            || name.StartsWith('/') || name.Contains('\0', StringComparison.Ordinal))
        {
            return false;
        }

        foreach (var segment in name.Split('/'))
        {
            if (segment.Length == 0 || segment == "." || segment == "..")
            {
                return false;
            }
        }

        return true;
    }

    public static void ThrowIfUnsafe(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!IsSafe(name))
        {
            throw new ArgumentException($"'{name}' is not a relative '/'-separated model file name inside the model directory.", nameof(name));
        }
    }
}
