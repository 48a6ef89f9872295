using System;

namespace Crm;

/// <summary>Moving a workspace between a file and a database server, and its content checksum.</summary>
public sealed partial class CrmDatabase
{
    /// <summary>
    /// Copies all the content of <paramref name="from"/> into <paramref name="to"/>
    /// (crm.h, <c>crm_workspace_copy</c>): fields, customers with their ids,
    /// versions and times, every event with its seq, event types, segments,
    /// and the id counters. Files and server workspaces in any direction; one
    /// snapshot of <paramref name="from"/>, one transaction on <paramref name="to"/>,
    /// which stays empty on failure.
    /// </summary>
    /// <exception cref="ConflictException"><paramref name="to"/> is not empty (rule "target").</exception>
    /// <exception cref="InvalidArgumentException">Both are the same workspace handle.</exception>
    public static void CopyWorkspace(CrmDatabase to, CrmDatabase from)
    {
        ArgumentNullException.ThrowIfNull(to);
        ArgumentNullException.ThrowIfNull(from);
        Errors.Check(Native.crm_workspace_copy(to.Handle, from.Handle));
    }

    /// <summary>
    /// SHA-256 of the workspace's content in 64 lower-case hex digits
    /// (crm.h, <c>crm_workspace_checksum</c>): equal for two workspaces holding
    /// the same content whatever their backends, as after
    /// <see cref="CopyWorkspace"/>; different after any change of content.
    /// </summary>
    public string Checksum()
    {
        DbHandle handle = Handle;
        Errors.Check(Native.crm_workspace_checksum(out StringHandle hex, handle));
        using (hex) return hex.Text();
    }
}
