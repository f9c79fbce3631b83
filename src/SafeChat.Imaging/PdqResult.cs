namespace SafeChat.Imaging;

/// <summary>A PDQ hash with its quality.</summary>
/// <param name="Hash">The 256-bit hash.</param>
/// <param name="Quality">0–100: how much structure the image has; below about 50 the hash is unreliable (flat or tiny images).</param>
public readonly record struct PdqResult(PdqHash Hash, int Quality);
