namespace SafeChat.Client;
