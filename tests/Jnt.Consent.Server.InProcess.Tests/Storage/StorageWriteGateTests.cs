using Jnt.Consent.Grains.Storage;

namespace Jnt.Consent.Server.InProcess.Tests.Storage;

public sealed class StorageWriteGateTests
{
    [Fact]
    public async Task With_one_writer_at_a_time_the_next_writer_waits_until_the_first_is_done()
    {
        using var gate = new StorageWriteGate(oneWriterAtATime: true);

        var first = await gate.EnterAsync();
        var second = gate.EnterAsync().AsTask();
        Assert.False(second.IsCompleted);

        first.Dispose();
        var secondTurn = await second.WaitAsync(TimeSpan.FromSeconds(10));
        var third = gate.EnterAsync().AsTask();
        Assert.False(third.IsCompleted);
        secondTurn.Dispose();
        secondTurn.Dispose();   // a second dispose must not hand out an extra turn
        var thirdTurn = await third.WaitAsync(TimeSpan.FromSeconds(10));
        var fourth = gate.EnterAsync().AsTask();
        Assert.False(fourth.IsCompleted);
        thirdTurn.Dispose();
        (await fourth.WaitAsync(TimeSpan.FromSeconds(10))).Dispose();
    }

    [Fact]
    public async Task An_open_gate_lets_concurrent_writers_through()
    {
        using var first = await StorageWriteGate.Open.EnterAsync();
        var second = StorageWriteGate.Open.EnterAsync().AsTask();

        Assert.True(second.IsCompletedSuccessfully);
        (await second).Dispose();
    }

    [Fact]
    public async Task A_cancelled_wait_does_not_take_a_turn()
    {
        using var gate = new StorageWriteGate(oneWriterAtATime: true);
        var first = await gate.EnterAsync();
        using var cancel = new CancellationTokenSource();

        var waiting = gate.EnterAsync(cancel.Token).AsTask();
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);

        first.Dispose();
        (await gate.EnterAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10))).Dispose();
    }
}
