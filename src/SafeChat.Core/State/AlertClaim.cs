namespace SafeChat.State;

/// <summary>The outcome of <see cref="IConversationStateStore.TrySetAlertAsync"/>.</summary>
/// <param name="IsFirst">True only for the caller whose alert was recorded as the conversation's first.</param>
/// <param name="FirstAlertIndex">The index of the conversation's first alert.</param>
public readonly record struct AlertClaim(bool IsFirst, int FirstAlertIndex);
