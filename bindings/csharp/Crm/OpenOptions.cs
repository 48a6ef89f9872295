using System;

namespace Crm;

/// <summary>How a commit reaches the disk (CRM_SYNC_* in crm/crm.h).</summary>
public enum SyncMode
{
    /// <summary>A commit survives a crash of the process; after a power loss the last commits may be lost, never half-applied.</summary>
    Normal = Native.CRM_SYNC_NORMAL,
    /// <summary>Every commit is on disk when it returns, at some cost in write speed.</summary>
    Full = Native.CRM_SYNC_FULL,
}

/// <summary>Options for <see cref="CrmDatabase.Open"/>; the defaults are libcrm's.</summary>
public sealed record OpenOptions
{
    // CRM_OPEN_OPTIONS_INIT, as generated from crm/crm.h.
    private static readonly Native.OpenOptions Defaults = Native.OpenOptions.Init();

    /// <summary>Create the workspace file if it does not exist. Default true.</summary>
    public bool Create { get; init; } = (Defaults.Flags & Native.CRM_OPEN_CREATE) != 0;

    /// <summary>Never write; writes throw <see cref="ReadOnlyException"/>. Default false.</summary>
    public bool ReadOnly { get; init; } = (Defaults.Flags & Native.CRM_OPEN_READ_ONLY) != 0;

    /// <summary>How long to wait for other writers before <see cref="BusyException"/>. Default 5 seconds.</summary>
    public TimeSpan BusyTimeout { get; init; } = TimeSpan.FromMilliseconds(Defaults.BusyTimeoutMs);

    /// <summary>How a commit reaches the disk. Default <see cref="SyncMode.Normal"/>.</summary>
    public SyncMode Sync { get; init; } = (SyncMode)Defaults.Sync;

    internal Native.OpenOptions ToNative()
    {
        double ms = Math.Ceiling(BusyTimeout.TotalMilliseconds);
        if (ms < 0 || ms > int.MaxValue)
            throw new ArgumentOutOfRangeException(nameof(BusyTimeout), BusyTimeout, "The busy timeout must be between 0 and int.MaxValue milliseconds.");
        if (Sync is not (SyncMode.Normal or SyncMode.Full))
            throw new ArgumentOutOfRangeException(nameof(Sync), Sync, "Unknown sync mode.");
        Native.OpenOptions native = Native.OpenOptions.Init();
        native.Flags = (Create ? Native.CRM_OPEN_CREATE : 0) | (ReadOnly ? Native.CRM_OPEN_READ_ONLY : 0);
        native.BusyTimeoutMs = (int)ms;
        native.Sync = (int)Sync;
        return native;
    }
}
