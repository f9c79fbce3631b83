using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace SafeChat.Inference.Models;

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    WriteIndented = true)]
[JsonSerializable(typeof(ModelCard))]
internal sealed partial class ModelCardJsonContext : JsonSerializerContext
{
    private static JsonSerializerOptions? s_cardOptions;

    /// <summary>Strict reading, indented writing with <c>\n</c> line ends and readable (unescaped) non-ASCII text.</summary>
    public static JsonSerializerOptions CardOptions => s_cardOptions ??= CreateCardOptions();

    public static JsonTypeInfo<ModelCard> CardTypeInfo => (JsonTypeInfo<ModelCard>)CardOptions.GetTypeInfo(typeof(ModelCard));

    private static JsonSerializerOptions CreateCardOptions()
    {
        var options = new JsonSerializerOptions(Default.Options)
        {
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            NewLine = "\n",
            IndentSize = 2,
            ReadCommentHandling = JsonCommentHandling.Disallow,
            AllowTrailingCommas = false,
            TypeInfoResolver = Default,
        };
        options.MakeReadOnly();
        return options;
    }
}
