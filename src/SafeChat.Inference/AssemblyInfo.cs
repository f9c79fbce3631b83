namespace SafeChat.Inference;
