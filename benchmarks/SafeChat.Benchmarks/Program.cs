using BenchmarkDotNet.Running;
using SafeChat.Benchmarks.Engine;
using SafeChat.Benchmarks.Onnx;

namespace SafeChat.Benchmarks;

public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "--model-sizes")
        {
            return ModelSizeReport.Run(Console.Out);
        }

        if (args.Length > 0 && args[0] == "--device-latency")
        {
            return DeviceLatencyReport.Run(Console.Out);
        }

        if (args.Length > 0 && args[0] == "--engine-throughput")
        {
            return EngineThroughputReport.Run(Console.Out);
        }

        if (args.Length > 0 && args[0] == "--cli-allocations")
        {
            return CliAllocationReport.Run(args[1..], Console.Error);
        }

        if (args.Length > 0 && args[0] == "--memory")
        {
            return ConversationMemoryReport.Run(Console.Out);
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
