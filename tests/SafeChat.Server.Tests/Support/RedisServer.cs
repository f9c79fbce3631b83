using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace SafeChat.Server.Tests.Support;

/// <summary>
/// A real redis-server child process on a free loopback port, with persistence off. It can be killed and restarted on
/// the same port to test outages. Disposing kills it.
/// </summary>
public sealed class RedisServer : IDisposable
{
    private Process? _process;

    public RedisServer()
    {
        Executable = FindExecutable() ?? throw new InvalidOperationException(
            "redis-server is not on PATH. Install it (apt-get install -y redis-server); with CI=true this test fails instead of skipping.");
        Port = FreePort();
        Start();
    }

    public string Executable { get; }

    public int Port { get; }

    public string Configuration => $"127.0.0.1:{Port}";

    public bool IsRunning => _process is { HasExited: false };

    public static bool IsInstalled => FindExecutable() is not null;

    public void Start()
    {
        if (IsRunning)
        {
            return;
        }

        var start = new ProcessStartInfo(Executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "--bind", "127.0.0.1", "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--save", "", "--appendonly", "no", "--daemonize", "no" })
        {
            start.ArgumentList.Add(argument);
        }

        _process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start.");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        WaitUntilAccepting();
    }

    public void Kill()
    {
        if (_process is null)
        {
            return;
        }

        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit(5000);
        }

        _process.Dispose();
        _process = null;
    }

    /// <summary>Freezes the redis-server process (SIGSTOP): connections stay open but nothing answers, like a hung server.</summary>
    public void Pause() => Signal(SigStop);

    /// <summary>Resumes a paused redis-server (SIGCONT).</summary>
    public void Resume() => Signal(SigCont);

    public void Dispose()
    {
        if (IsRunning)
        {
            Signal(SigCont);
        }

        Kill();
    }

    private const int SigCont = 18;
    private const int SigStop = 19;

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SysKill(int pid, int signal);

    private void Signal(int signal)
    {
        if (_process is null || _process.HasExited)
        {
            throw new InvalidOperationException("redis-server is not running.");
        }

        if (SysKill(_process.Id, signal) != 0)
        {
            throw new InvalidOperationException($"kill({signal}) failed with errno {System.Runtime.InteropServices.Marshal.GetLastPInvokeError()}.");
        }
    }

    private void WaitUntilAccepting()
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            if (_process!.HasExited)
            {
                throw new InvalidOperationException($"redis-server exited with code {_process.ExitCode} on port {Port}.");
            }

            try
            {
                using var client = new TcpClient();
                client.Connect(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException)
            {
                Thread.Sleep(50);
            }
        }

        throw new InvalidOperationException($"redis-server did not accept connections on port {Port} within 5 s.");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string? FindExecutable()
    {
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(directory, "redis-server");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}

/// <summary>One redis-server shared by the tests of a collection.</summary>
public sealed class RedisFixture : IDisposable
{
    private readonly Lazy<RedisServer> _server = new(() => new RedisServer());

    public RedisServer Server => _server.Value;

    public void Dispose()
    {
        if (_server.IsValueCreated)
        {
            _server.Value.Dispose();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class RedisCollection : ICollectionFixture<RedisFixture>
{
    public const string Name = "redis";
}

/// <summary>
/// A fact that needs a real redis-server: skipped when it is not installed, unless CI=true, where it runs and fails
/// ("a test that needs Redis must fail, not skip, when CI=true and its server is missing").
/// </summary>
public sealed class RedisFactAttribute : FactAttribute
{
    public RedisFactAttribute()
    {
        if (!RedisServer.IsInstalled && !string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            Skip = "redis-server is not on PATH (apt-get install -y redis-server); set CI=true to make this a failure.";
        }
    }
}
