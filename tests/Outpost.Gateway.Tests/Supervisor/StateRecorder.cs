using Outpost.Gateway.Supervisor;

namespace Outpost.Gateway.Tests.Supervisor;

/// <summary>Records every state change a supervisor raises and lets a test await a condition on them, with a timeout.</summary>
internal sealed class StateRecorder
{
    private readonly Lock _gate = new();
    private readonly List<ProgramStateChange> _changes = [];
    private readonly List<(Func<IReadOnlyList<ProgramStateChange>, bool> Condition, TaskCompletionSource Done)> _waiters = [];

    public void Record(ProgramStateChange change)
    {
        lock (_gate)
        {
            _changes.Add(change);
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Condition(_changes))
                {
                    _waiters[i].Done.TrySetResult();
                    _waiters.RemoveAt(i);
                }
            }
        }
    }

    public IReadOnlyList<ProgramStateChange> Changes(string program)
    {
        lock (_gate)
        {
            return _changes.Where(c => c.Program == program).ToList();
        }
    }

    public IReadOnlyList<ProcessState> States(string program) => Changes(program).Select(c => c.To).ToList();

    /// <summary>Completes when <paramref name="condition"/> holds over all changes so far; fails after <paramref name="timeout"/>.</summary>
    public async Task WaitAsync(Func<IReadOnlyList<ProgramStateChange>, bool> condition, TimeSpan timeout, string what)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (condition(_changes))
            {
                return;
            }

            _waiters.Add((condition, done));
        }

        try
        {
            await done.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            lock (_gate)
            {
                Assert.Fail($"timed out after {timeout.TotalSeconds} s waiting for {what}; saw: "
                    + string.Join(", ", _changes.Select(c => $"{c.Program}:{c.To}")));
            }
        }
    }

    /// <summary>Waits until <paramref name="program"/> has entered <paramref name="state"/> <paramref name="times"/> times.</summary>
    public Task WaitForAsync(string program, ProcessState state, int times = 1, double seconds = 10) =>
        WaitAsync(cs => cs.Count(c => c.Program == program && c.To == state) >= times, TimeSpan.FromSeconds(seconds), $"{program} {state} x{times}");
}
