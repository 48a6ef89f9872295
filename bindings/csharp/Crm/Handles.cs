using System.Runtime.InteropServices;

namespace Crm;

/// <summary>Owns a crm_db; releasing it calls crm_close.</summary>
internal sealed class DbHandle : SafeHandle
{
    public DbHandle() : base(nint.Zero, ownsHandle: true) { }

    public override bool IsInvalid => handle == nint.Zero;

    protected override bool ReleaseHandle()
    {
        Native.crm_close(handle);
        return true;
    }
}

/// <summary>Owns a crm_record; releasing it calls crm_record_free.</summary>
internal sealed class RecordHandle : SafeHandle
{
    public RecordHandle() : base(nint.Zero, ownsHandle: true) { }

    public override bool IsInvalid => handle == nint.Zero;

    protected override bool ReleaseHandle()
    {
        Native.crm_record_free(handle);
        return true;
    }
}

/// <summary>Owns a crm_batch_report; releasing it calls crm_batch_report_free.</summary>
internal sealed class BatchReportHandle : SafeHandle
{
    public BatchReportHandle() : base(nint.Zero, ownsHandle: true) { }

    public override bool IsInvalid => handle == nint.Zero;

    protected override bool ReleaseHandle()
    {
        Native.crm_batch_report_free(handle);
        return true;
    }
}
