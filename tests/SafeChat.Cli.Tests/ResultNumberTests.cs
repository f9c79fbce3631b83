using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace SafeChat.Cli.Tests;

/// <summary>
/// Issue 12: result lines write their rounded probabilities without the writer's general double formatting. The bytes
/// must be exactly what <see cref="Utf8JsonWriter.WriteNumber(JsonEncodedText, double)"/> writes for the same rounded value.
/// </summary>
public class ResultNumberTests
{
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly JsonEncodedText Name = JsonEncodedText.Encode("p", Options.Encoder);

    private static string Fast(float value) => Write(writer => ConversationResult.WriteRounded(writer, Name, value));

    // What ConversationResult wrote before: the writer's own number formatting of the clamped, rounded value.
    private static string General(float value)
    {
        var clamped = float.IsNaN(value) ? 0f : Math.Clamp(value, 0f, 1f);
        return Write(writer => writer.WriteNumber(Name, Math.Round((double)clamped, 4, MidpointRounding.AwayFromZero)));
    }

    private static string Write(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, Options))
        {
            writer.WriteStartObject();
            write(writer);
            writer.WriteNumber("q", 1);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    [Fact]
    public void WriteRounded_EveryFourDecimalValue_MatchesTheWritersFormatting()
    {
        for (var k = 0; k <= 10000; k++)
        {
            var value = (float)(k / 10000.0);
            Assert.Equal(General(value), Fast(value));
        }
    }

    [Fact]
    public void WriteRounded_ManyFloatsAndSpecials_MatchTheWritersFormatting()
    {
        var random = new Random(12);
        for (var i = 0; i < 200_000; i++)
        {
            var value = (float)random.NextDouble();
            Assert.Equal(General(value), Fast(value));
        }

        float[] specials = [0f, -0f, 1f, -1f, 2f, float.NaN, float.PositiveInfinity, float.NegativeInfinity, float.Epsilon, 0.00004f, 0.00005f, 0.00015f, 0.99995f, 0.99994f, 0.5f, 0.12345f];
        foreach (var value in specials)
        {
            Assert.Equal(General(value), Fast(value));
        }
    }
}
