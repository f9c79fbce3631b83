namespace SafeChat.Webhooks;
