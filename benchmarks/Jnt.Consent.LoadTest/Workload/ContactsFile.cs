namespace Jnt.Consent.LoadTest.Workload;

/// <summary>One seeded customer's identifiers, as later scenarios check them.</summary>
public sealed record Contact(string CustomerId, string Email, string Phone);

/// <summary>
/// The contacts CSV the seed writes (<c>customer_id,email,phone</c>, one header line) and the
/// other scenarios read. Generated values contain no commas or quotes, so no CSV quoting is needed.
/// </summary>
public static class ContactsFile
{
    public const string Header = "customer_id,email,phone";

    public static StreamWriter Create(string path)
    {
        var writer = new StreamWriter(path, append: false);
        writer.WriteLine(Header);
        return writer;
    }

    public static void Write(StreamWriter writer, Contact contact) =>
        writer.WriteLine($"{contact.CustomerId},{contact.Email},{contact.Phone}");

    public static IReadOnlyList<Contact> Read(string path)
    {
        var contacts = new List<Contact>();
        foreach (var line in File.ReadLines(path).Skip(1))
        {
            var parts = line.Split(',');
            if (parts.Length != 3)
            {
                throw new InvalidDataException($"{path}: expected customer_id,email,phone, got '{line}'");
            }
            contacts.Add(new Contact(parts[0], parts[1], parts[2]));
        }
        if (contacts.Count == 0)
        {
            throw new InvalidDataException($"{path} holds no contacts: run seed first");
        }
        return contacts;
    }
}
