using System.Runtime.CompilerServices;

// The ONNX writer's round-trip tests live in SafeChat.Training.Tests (they need both the writer and this runtime).
[assembly: InternalsVisibleTo("SafeChat.Training.Tests")]
