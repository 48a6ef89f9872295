using System;
using System.Threading;

namespace Crm;

/// <summary>
/// An open libcrm workspace: one SQLite file, or memory with ":memory:".
/// One instance may be used from several threads at once; libcrm serializes
/// the calls. Dispose it to close the workspace (an open transaction is
/// rolled back); calls after that throw <see cref="ObjectDisposedException"/>.
/// </summary>
public sealed partial class CrmDatabase : IDisposable
{
    private readonly DbHandle _handle;
    private Transaction? _transaction;

    private CrmDatabase(DbHandle handle, string path)
    {
        _handle = handle;
        Path = path;
    }

    /// <summary>The path the workspace was opened with.</summary>
    public string Path { get; }

    /// <summary>Whether <see cref="Dispose"/> has been called.</summary>
    public bool IsDisposed => _handle.IsClosed;

    /// <summary>
    /// Opens (and by default creates) the workspace at <paramref name="path"/>,
    /// or an in-memory workspace that lives until disposed when the path is
    /// ":memory:". A workspace written by an older libcrm is migrated forward.
    /// </summary>
    /// <param name="path">The workspace file, or ":memory:".</param>
    /// <param name="options">Open options; null for libcrm's defaults.</param>
    /// <exception cref="NotWorkspaceException">The file is not a libcrm workspace.</exception>
    /// <exception cref="VersionException">The workspace was written by a newer libcrm.</exception>
    /// <exception cref="CrmIOException">The file could not be opened.</exception>
    /// <exception cref="DllNotFoundException">libcrm could not be found.</exception>
    /// <exception cref="NotSupportedException">The loaded libcrm has an incompatible version.</exception>
    public static unsafe CrmDatabase Open(string path, OpenOptions? options = null)
    {
        CrmValue.CheckText(path ?? throw new ArgumentNullException(nameof(path)), nameof(path));
        Native.OpenOptions native = (options ?? new OpenOptions()).ToNative();
        CrmLibrary.EnsureCompatible();
        return Opened(Native.crm_open(out DbHandle handle, path, &native), handle, path);
    }

    /// <summary>
    /// Opens (and by default creates) a workspace that lives in a database
    /// server, such as <c>postgresql://crm@db.example/crm?workspace=acme</c>
    /// (crm.h, <c>crm_open_url</c>). Passwords come from libpq's password file
    /// or environment; libcrm never puts one in an error message. Calls the
    /// server's backend does not offer yet throw <see cref="UnsupportedException"/>.
    /// </summary>
    /// <param name="url">The workspace's URL, with its name as the <c>workspace</c> parameter.</param>
    /// <param name="options">Open options; null for libcrm's defaults (Sync has no effect).</param>
    /// <exception cref="InvalidArgumentException">Not such a URL (rule "url").</exception>
    /// <exception cref="CrmIOException">The server or the backend's plugin could not be reached.</exception>
    /// <exception cref="NotFoundException">No such workspace, and options do not create it.</exception>
    public static unsafe CrmDatabase OpenUrl(string url, OpenOptions? options = null)
    {
        CrmValue.CheckText(url ?? throw new ArgumentNullException(nameof(url)), nameof(url));
        Native.OpenOptions native = (options ?? new OpenOptions()).ToNative();
        CrmLibrary.EnsureCompatible();
        return Opened(Native.crm_open_url(out DbHandle handle, url, &native), handle, url);
    }

    /// <summary>Creates the workspace <paramref name="url"/> names.</summary>
    /// <exception cref="ConstraintException">The workspace exists already.</exception>
    public static void CreateWorkspace(string url)
    {
        CrmValue.CheckText(url ?? throw new ArgumentNullException(nameof(url)), nameof(url));
        CrmLibrary.EnsureCompatible();
        Errors.Check(Native.crm_workspace_create(url));
    }

    /// <summary>Drops the workspace <paramref name="url"/> names, with everything it holds.</summary>
    /// <exception cref="NotFoundException">There is no such workspace.</exception>
    public static void DropWorkspace(string url)
    {
        CrmValue.CheckText(url ?? throw new ArgumentNullException(nameof(url)), nameof(url));
        CrmLibrary.EnsureCompatible();
        Errors.Check(Native.crm_workspace_drop(url));
    }

    // The handle crm_open or crm_open_url returned with `status`, as a
    // CrmDatabase; the error it reported otherwise.
    private static CrmDatabase Opened(int status, DbHandle handle, string path)
    {
        if (status != 0)
        {
            CrmException error = Errors.FromLastError(status);
            handle.Dispose();
            throw error;
        }
        return new CrmDatabase(handle, path);
    }

    /// <summary>The schema version of this workspace's file.</summary>
    public int SchemaVersion
    {
        get
        {
            Errors.Check(Native.crm_db_schema_version(out int version, Handle));
            return version;
        }
    }

    /// <summary>
    /// Begins a transaction: the changes of the calls made until
    /// <see cref="Transaction.Commit"/> become durable together; disposing the
    /// transaction without committing discards them. The transaction belongs
    /// to the calling thread; calls from other threads wait until it ends.
    /// Transactions do not nest.
    /// </summary>
    /// <exception cref="MisuseException">This thread already has a transaction open.</exception>
    public Transaction BeginTransaction()
    {
        // The transaction's own handle on the workspace: it keeps crm_db open
        // until the transaction ends, even if this CrmDatabase is disposed first.
        DbHandle handle = Handle;
        DbHandle borrowed = DbHandle.Borrow(handle.DangerousGetHandle(), handle);
        try
        {
            Errors.Check(Native.crm_begin(borrowed));
        }
        catch
        {
            borrowed.Dispose();
            throw;
        }
        var transaction = new Transaction(this, borrowed);
        Volatile.Write(ref _transaction, transaction);
        return transaction;
    }

    /// <summary>Forgets <paramref name="transaction"/> once it has ended.</summary>
    internal void Ended(Transaction transaction) =>
        Interlocked.CompareExchange(ref _transaction, null, transaction);

    /// <summary>
    /// Closes the workspace. A transaction this thread has open is rolled back
    /// first. Calls that are running on other threads finish before libcrm
    /// closes the handle.
    /// </summary>
    public void Dispose()
    {
        Transaction? open = Volatile.Read(ref _transaction);
        if (open is not null && open.IsOwnedByCurrentThread) open.Dispose();
        _handle.Dispose();
    }

    /// <summary>
    /// The native handle, or <see cref="ObjectDisposedException"/> after Dispose;
    /// <see cref="MisuseException"/> inside a progress callback, whose call
    /// holds the workspace (crm.h, <c>crm_progress_fn</c>).
    /// </summary>
    internal DbHandle Handle
    {
        get
        {
            ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
            if (ProgressRelay.InCallback)
                throw new MisuseException(
                    "CRM_E_MISUSE", "A progress callback must not call libcrm: the call it reports on holds the workspace.", "", "");
            return _handle;
        }
    }

    /// <summary>Checks a string argument that crosses the ABI.</summary>
    private static string Arg(string? value, string parameter) =>
        CrmValue.CheckText(value ?? throw new ArgumentNullException(parameter), parameter);

    /// <summary>Checks an optional actor name.</summary>
    private static string? Actor(string? actor) => actor is null ? null : CrmValue.CheckText(actor, nameof(actor));
}
