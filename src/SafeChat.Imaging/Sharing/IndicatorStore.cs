using System.Collections.Concurrent;
using SafeChat.Matching;

namespace SafeChat.Sharing;

/// <summary>
/// The partner indicators this platform imported: hashed identifiers with who shared them, why and until when.
/// Retractions remove them. Matching hashes the local identifier with the same shared secret and looks it up; a hit is a
/// <see cref="SharedSignalLead"/> for review. Thread-safe; in memory (re-import the files after a restart).
/// </summary>
public sealed class IndicatorStore
{
    private readonly IndicatorHasher _hasher;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, (string Reason, DateTimeOffset ExpiresAt)>> _leads = new(StringComparer.Ordinal);

    /// <summary>Creates a store.</summary>
    /// <param name="hasher">Hashes local identifiers with the partners' shared secret.</param>
    /// <param name="timeProvider">The clock for expiry; <see cref="TimeProvider.System"/> when null.</param>
    public IndicatorStore(IndicatorHasher hasher, TimeProvider? timeProvider = null)
    {
        _hasher = hasher ?? throw new ArgumentNullException(nameof(hasher));
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>The number of indicators held (each counted once, whoever shared it).</summary>
    public int Count => _leads.Count(p => !p.Value.IsEmpty);

    /// <summary>Imports a verified file (see <see cref="IndicatorFiles.Read"/>): adds its indicators, or removes them for a retraction.</summary>
    /// <param name="file">The file.</param>
    /// <returns>How many indicators were added or removed.</returns>
    /// <exception cref="IndicatorFileException">The file was hashed with another secret, or has expired.</exception>
    public int Import(IndicatorFile file)
    {
        if (file is null)
        {
            throw new ArgumentNullException(nameof(file));
        }

        if (!string.Equals(file.KeyId, _hasher.KeyId, StringComparison.Ordinal))
        {
            throw new IndicatorFileException($"The file was hashed with the secret '{file.KeyId}', but this platform uses '{_hasher.KeyId}': its indicators cannot match. Refused.");
        }

        if (file.ExpiresAt <= _time.GetUtcNow())
        {
            throw new IndicatorFileException($"The file expired at {file.ExpiresAt:O}. Refused.");
        }

        var changed = 0;
        foreach (var indicator in file.Indicators)
        {
            var key = indicator.Type + ":" + indicator.Value;
            if (file.Kind == IndicatorFileKind.Retraction)
            {
                if (_leads.TryGetValue(key, out var producers) && producers.TryRemove(file.Producer, out _))
                {
                    changed++;
                }
            }
            else
            {
                _leads.GetOrAdd(key, _ => new ConcurrentDictionary<string, (string, DateTimeOffset)>(StringComparer.Ordinal))[file.Producer] = (file.Reason, file.ExpiresAt);
                changed++;
            }
        }

        return changed;
    }

    /// <summary>The leads for a local identifier (empty when no partner shared it, or its indicators expired).</summary>
    /// <param name="type">The indicator type.</param>
    /// <param name="raw">The identifier as seen on this platform.</param>
    public IReadOnlyList<SharedSignalLead> Match(string type, string? raw)
    {
        if (_leads.IsEmpty || _hasher.Hash(type, raw) is not { } value || !_leads.TryGetValue(type + ":" + value, out var producers))
        {
            return [];
        }

        var now = _time.GetUtcNow();
        List<SharedSignalLead>? leads = null;
        foreach (var pair in producers)
        {
            if (pair.Value.ExpiresAt > now)
            {
                (leads ??= []).Add(new SharedSignalLead(type, pair.Key, pair.Value.Reason));
            }
        }

        return leads is null ? [] : leads;
    }
}
