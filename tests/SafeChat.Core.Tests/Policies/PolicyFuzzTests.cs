using System.Globalization;
using System.Text;
using SafeChat.Policies;
using SafeChat.Testing;

namespace SafeChat.Core.Tests.Policies;

/// <summary>
/// Issue 10: a fixed-seed, bounded mutation run of policy files through the loader (bytes, as from a file). Every
/// outcome is a loaded policy or a <see cref="PolicyValidationException"/> whose errors name a line and column and
/// print no raw control or bidi character. Longer runs: SAFECHAT_FUZZ_ITERATIONS=N (default 1500) and SAFECHAT_FUZZ_SEED.
/// </summary>
public class PolicyFuzzTests
{
    [Fact]
    public void ParseUtf8_MutatedPolicies_LoadOrThrowOnlyValidationErrorsWithPositions()
    {
        var iterations = EnvInt("SAFECHAT_FUZZ_ITERATIONS", 1500);
        var seed = EnvInt("SAFECHAT_FUZZ_SEED", 20_261_206);
        var mutator = new InputMutator(seed);
        var seeds = PolicyPresets.Names.Select(PolicyPresets.GetSource)
            .Append(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "fuzz-seed-policy.json")))
            .Select(Encoding.UTF8.GetBytes)
            .ToArray();
        var loaded = 0;
        var rejected = 0;
        for (var iteration = 0; iteration < iterations; iteration++)
        {
            var bytes = mutator.Mutate(seeds[mutator.Next(seeds.Length)]);
            try
            {
                var policy = PolicyLoader.ParseUtf8(bytes, "fuzz.json");
                _ = new PolicyEngine(policy);
                loaded++;
            }
            catch (PolicyValidationException ex)
            {
                rejected++;
                Assert.NotEmpty(ex.Errors);
                foreach (var error in ex.Errors)
                {
                    Assert.True(error.Line >= 1 && error.Column >= 1, $"seed {seed}, iteration {iteration}: no position in {error}");
                    Assert.StartsWith($"fuzz.json:{error.Line}:{error.Column}: ", error.ToString(), StringComparison.Ordinal);
                }

                foreach (var c in ex.Message)
                {
                    Assert.False(c != '\n' && (c < 0x20 || c is >= '\x7F' and <= '\x9F' or >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069'),
                        $"seed {seed}, iteration {iteration}: raw U+{(int)c:X4} in: {ex.Message}");
                }
            }
            catch (Exception ex)
            {
                Assert.Fail($"seed {seed}, iteration {iteration}: {ex.GetType().Name}: {ex.Message}\ninput (base64): {Convert.ToBase64String(bytes)}");
            }
        }

        Assert.True(loaded > 0 && rejected > 0, $"loaded {loaded}, rejected {rejected}");
    }

    private static int EnvInt(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : fallback;
}
