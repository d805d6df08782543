/// The few pieces of S3's XML answers the client reads (error codes and
/// list results), taken out by element name: S3's answers are flat and
/// machine-written, so a full XML parser buys nothing here.
///
/// ```swift
/// S3XML.texts("Key", in: "<Contents><Key>a&amp;b</Key></Contents>")   // ["a&b"]
/// ```
enum S3XML {
    /// The text of every `<name>…</name>` element, entities decoded.
    static func texts(_ name: String, in xml: String) -> [String] {
        blocks(name, in: xml).map(decodeEntities)
    }

    /// The first `<name>` element's text, entities decoded.
    static func text(_ name: String, in xml: String) -> String? { texts(name, in: xml).first }

    /// The raw inner text of every `<name>…</name>` element.
    static func blocks(_ name: String, in xml: String) -> [String] {
        let open = "<\(name)>"
        let close = "</\(name)>"
        var results: [String] = []
        var rest = xml[...]
        while let start = rest.range(of: open) {
            guard let end = rest.range(of: close, range: start.upperBound..<rest.endIndex) else { break }
            results.append(String(rest[start.upperBound..<end.lowerBound]))
            rest = rest[end.upperBound...]
        }
        return results
    }

    /// Decodes the five named entities and numeric references.
    static func decodeEntities(_ text: String) -> String {
        guard text.contains("&") else { return text }
        var out = ""
        var rest = text[...]
        while let amp = rest.firstIndex(of: "&") {
            out += rest[..<amp]
            guard let semi = rest[amp...].firstIndex(of: ";") else { break }
            let entity = rest[rest.index(after: amp)..<semi]
            switch entity {
            case "amp": out += "&"
            case "lt": out += "<"
            case "gt": out += ">"
            case "quot": out += "\""
            case "apos": out += "'"
            default:
                let number = entity.hasPrefix("#x") ? UInt32(entity.dropFirst(2), radix: 16)
                    : entity.hasPrefix("#") ? UInt32(entity.dropFirst()) : nil
                if let number, let scalar = Unicode.Scalar(number) { out.unicodeScalars.append(scalar) }
                else { out += "&\(entity);" }
            }
            rest = rest[rest.index(after: semi)...]
        }
        return out + rest
    }
}
