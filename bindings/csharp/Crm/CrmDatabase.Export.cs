using System.Text.Json;

namespace Crm;

/// <summary>The export of everything held on one person.</summary>
public sealed partial class CrmDatabase
{
    /// <summary>
    /// Everything libcrm holds on customer <paramref name="id"/> (crm.h,
    /// <c>crm_customer_export</c>), for a data subject's request of access or
    /// portability: its record with every field that holds a value (archived
    /// ones too), its history and events by seq, the segments it is in and the
    /// deleted / erased / merge markers, read in one snapshot. The document's
    /// shape, format version 1, is docs/customer-export.md. Dispose the
    /// document when done; <see cref="ExportCustomerJson"/> gives the text.
    /// </summary>
    /// <exception cref="NotFoundException">The workspace holds neither a record nor an event of the id.</exception>
    /// <exception cref="InvalidArgumentException"><paramref name="id"/> is 0 or negative (rule "id").</exception>
    public JsonDocument ExportCustomer(long id) => JsonDocument.Parse(ExportCustomerJson(id));

    /// <summary>
    /// The document <see cref="ExportCustomer"/> parses, as the UTF-8 JSON text
    /// libcrm wrote: compact, keys in a fixed order, the same text for an
    /// unchanged workspace but for "exported_at". For storing or sending it as is.
    /// </summary>
    /// <exception cref="NotFoundException">The workspace holds neither a record nor an event of the id.</exception>
    /// <exception cref="InvalidArgumentException"><paramref name="id"/> is 0 or negative (rule "id").</exception>
    public string ExportCustomerJson(long id)
    {
        DbHandle handle = Handle;
        Errors.Check(Native.crm_customer_export(out StringHandle json, handle, id));
        using (json) return json.Text();
    }
}
