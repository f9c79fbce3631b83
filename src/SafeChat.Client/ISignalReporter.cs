namespace SafeChat.Client;

/// <summary>Receives the signals the client is allowed to send off the device. Implementations decide where they go.</summary>
public interface ISignalReporter
{
    /// <summary>Handles one report. A failure is counted by the client and never breaks the chat.</summary>
    ValueTask ReportAsync(SignalReport report, CancellationToken cancellationToken = default);
}
