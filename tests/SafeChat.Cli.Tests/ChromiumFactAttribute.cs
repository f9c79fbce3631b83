namespace SafeChat.Cli.Tests;

/// <summary>
/// A fact that needs Debian's Chromium at <see cref="Chromium.Path"/>: skipped when it is missing, unless CI=true, where it
/// runs and fails ("a test that needs Chromium must fail, not skip, when CI=true and its browser is missing").
/// </summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public ChromiumFactAttribute()
    {
        if (!File.Exists(Chromium.Path) && !string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            Skip = $"Chromium is not installed at {Chromium.Path} (apt-get install -y chromium); set CI=true to make this a failure.";
        }
    }
}
