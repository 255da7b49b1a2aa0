namespace Outpost.Cloud.Stream;

/// <summary>
/// One event of the stream: appended in the same commit as the change it describes, so there is no event without
/// its write and no write without its event.
/// </summary>
/// <param name="Offset">Position in the stream; consumers remember the last one they handled.</param>
/// <param name="ProductId">The device's product.</param>
/// <param name="Serial">The device.</param>
/// <param name="Alias">The alias written (empty for registry events).</param>
/// <param name="Value">The value written, or the new status.</param>
/// <param name="Ts">The value's time, epoch milliseconds.</param>
/// <param name="Kind">See <see cref="EventKinds"/>.</param>
/// <param name="Source">device, management, rule, rollout, or registry.</param>
internal sealed record DeviceEvent(long Offset, string ProductId, string Serial, string Alias, string Value, long Ts, string Kind, string Source);
