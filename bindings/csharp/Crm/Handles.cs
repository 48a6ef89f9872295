using System;
using System.Runtime.InteropServices;

namespace Crm;

/// <summary>
/// A SafeHandle over a libcrm object that either owns it (released with the
/// object's crm_*_free) or borrows it from a parent object (a record inside
/// an event, an event inside a page). A borrowed handle holds a reference on
/// its parent's SafeHandle, so the parent is not freed while the borrowed
/// pointer can still be read, even if the parent is disposed first. The
/// handle type of each libcrm object (DbHandle, RecordHandle, ...,
/// StringHandle) is generated from crm/crm.h into Handles.g.cs.
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
