using System.Text.Json;
using System.Text.Json.Serialization;

namespace SafeChat.Evidence;

/// <summary>JSON for evidence bundles: camelCase names, enums as camelCase strings, UTC ISO-8601 times.</summary>
public static class EvidenceJson
{
    /// <summary>The serializer options used for bundles.</summary>
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    /// <summary>Serialises a bundle. The result is what the evidence log hashes and stores.</summary>
    public static string Serialize(EvidenceBundle bundle)
    {
        if (bundle is null)
        {
            throw new ArgumentNullException(nameof(bundle));
        }

        return JsonSerializer.Serialize(bundle, Options);
    }

    /// <summary>Reads a bundle back.</summary>
    /// <exception cref="FormatException">The JSON is not a bundle; the message names the JSON path.</exception>
    public static EvidenceBundle Deserialize(string json)
    {
        if (json is null)
        {
            throw new ArgumentNullException(nameof(json));
        }

        try
        {
            return JsonSerializer.Deserialize<EvidenceBundle>(json, Options)
                ?? throw new FormatException("Evidence bundle JSON is 'null'.");
        }
        catch (JsonException ex)
        {
            throw new FormatException($"Evidence bundle JSON is invalid at {ex.Path ?? "$"} (line {ex.LineNumber + 1}): {ex.Message}", ex);
        }
    }

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            WriteIndented = false,
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
