using System;
using System.Runtime.InteropServices;

namespace Crm;

/// <summary>
/// A SafeHandle over a libcrm object that either owns it (released with the
/// object's crm_*_free) or borrows it from a parent object (a record inside
/// an event, an event inside a page). A borrowed handle holds a reference on
/// its parent's SafeHandle, so the parent is not freed while the borrowed
/// pointer can still be read, even if the parent is disposed first.
/// </summary>
internal abstract class CrmHandle : SafeHandle
{
    private SafeHandle? _owner;

    protected CrmHandle() : base(nint.Zero, ownsHandle: true) { }

    public override bool IsInvalid => handle == nint.Zero;

    /// <summary>Whether this handle borrows its object from a parent.</summary>
    internal bool IsBorrowed => _owner is not null;

    /// <summary>Makes this (new) handle borrow <paramref name="pointer"/> from <paramref name="owner"/>.</summary>
    /// <exception cref="InternalException">libcrm returned NULL for an object that must exist.</exception>
    protected void BorrowFrom(nint pointer, SafeHandle owner, string what)
    {
        if (pointer == nint.Zero)
            throw new InternalException("CRM_E_INTERNAL", $"libcrm returned no {what}.", "", "");
        bool added = false;
        owner.DangerousAddRef(ref added);
        _owner = owner;
        SetHandle(pointer);
    }

    protected sealed override bool ReleaseHandle()
    {
        if (_owner is { } owner)
        {
            owner.DangerousRelease();
            return true;
        }
        Free(handle);
        return true;
    }

    /// <summary>Frees an owned object.</summary>
    protected abstract void Free(nint pointer);
}

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

/// <summary>A crm_record: owned (released with crm_record_free) or borrowed from an event or field timeline.</summary>
internal sealed class RecordHandle : CrmHandle
{
    /// <summary>Wraps a borrowed crm_record that lives as long as <paramref name="owner"/>'s object.</summary>
    public static RecordHandle Borrow(nint record, SafeHandle owner)
    {
        var handle = new RecordHandle();
        handle.BorrowFrom(record, owner, "record");
        return handle;
    }

    protected override void Free(nint pointer) => Native.crm_record_free(pointer);
}

/// <summary>A crm_event: owned (released with crm_event_free) or borrowed from a page.</summary>
internal sealed class EventHandle : CrmHandle
{
    /// <summary>Wraps a borrowed crm_event that lives as long as <paramref name="page"/>'s object.</summary>
    public static EventHandle Borrow(nint evt, SafeHandle page)
    {
        var handle = new EventHandle();
        handle.BorrowFrom(evt, page, "event");
        return handle;
    }

    protected override void Free(nint pointer) => Native.crm_event_free(pointer);
}

/// <summary>Owns a crm_event_page; releasing it calls crm_event_page_free.</summary>
internal sealed class EventPageHandle : CrmHandle
{
    protected override void Free(nint pointer) => Native.crm_event_page_free(pointer);
}

/// <summary>Owns a crm_field_timeline; releasing it calls crm_field_timeline_free.</summary>
internal sealed class FieldTimelineHandle : CrmHandle
{
    protected override void Free(nint pointer) => Native.crm_field_timeline_free(pointer);
}

/// <summary>Owns a crm_batch_report; releasing it calls crm_batch_report_free.</summary>
internal sealed class BatchReportHandle : CrmHandle
{
    protected override void Free(nint pointer) => Native.crm_batch_report_free(pointer);
}

/// <summary>Owns a crm_query; releasing it calls crm_query_free.</summary>
internal sealed class QueryHandle : CrmHandle
{
    protected override void Free(nint pointer) => Native.crm_query_free(pointer);
}

/// <summary>Owns a crm_rows page; releasing it calls crm_rows_free.</summary>
internal sealed class RowsHandle : CrmHandle
{
    protected override void Free(nint pointer) => Native.crm_rows_free(pointer);
}
