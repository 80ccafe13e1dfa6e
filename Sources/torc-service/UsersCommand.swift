import ArgumentParser
import Foundation
import TorcServer

/// `torc-service users`: edits the users file of access control. Passwords are read
/// from standard input (or `TORC_USER_PASSWORD`), never from the command line, where
/// other users of the machine could see them; only salted hashes are written.
struct UsersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "users",
        abstract: "Add, change, remove and list the users of access control (the users file).",
        subcommands: [Add.self, Remove.self, List.self])

    struct FileOption: ParsableArguments {
        // Not `--users-file`: the server's option of that name is parsed by the parent command.
        @Option(help: "The users file (env TORC_USERS_FILE).")
        var file: String?

        var path: String {
            get throws {
                guard let path = file ?? ProcessInfo.processInfo.environment["TORC_USERS_FILE"] else {
                    throw ValidationError("give --file PATH (or TORC_USERS_FILE)")
                }
                return path
            }
        }

        func load() throws -> (UsersFile, String) {
            let path = try path
            do {
                return (try UsersFile.load(path: path), path)
            } catch {
                throw ValidationError(error.description)
            }
        }
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a user, or change an existing user's password and roles.",
            discussion: """
                The password is the first line of standard input (or TORC_USER_PASSWORD); at a
                terminal it is asked for without echo. Roles: DATABASE:ROLE with ROLE read, write
                or admin and DATABASE a database name or * for every database, e.g.
                --role workflows:write --role '*:read'.
                """)

        @OptionGroup var file: FileOption
        @Argument(help: "The user name (letters, digits, _ - . @).")
        var name: String
        @Option(help: "DATABASE:ROLE; repeat for several databases.")
        var role: [String] = []

        func run() throws {
            guard UsersFile.isValidName(name) else { throw ValidationError("'\(name)' is not a valid user name") }
            guard !role.isEmpty else { throw ValidationError("give at least one --role DATABASE:ROLE") }
            var grants = RoleGrants()
            for text in role {
                guard let grant = RoleGrants.parseGrant(text) else {
                    throw ValidationError("'\(text)' is not DATABASE:ROLE (role read, write or admin)")
                }
                grants.byDatabase[grant.database] = grant.role
            }
            let password = try Self.readPassword()
            guard password.utf8.count >= 8 else {
                throw ValidationError("the password must have at least 8 characters")
            }
            var (users, path) = try file.load()
            let existed = users.users[name] != nil
            users.users[name] = UserRecord(password: try PasswordHash.make(password: password), grants: grants)
            do { try users.save(path: path) } catch { throw ValidationError(error.description) }
            print("\(existed ? "changed" : "added") user \(name) in \(path)")
        }

        static func readPassword() throws -> String {
            if let password = ProcessInfo.processInfo.environment["TORC_USER_PASSWORD"] { return password }
            if isatty(STDIN_FILENO) != 0, let entered = getpass("password: ") { return String(cString: entered) }
            guard let line = readLine(strippingNewline: true) else {
                throw ValidationError("no password on standard input")
            }
            return line
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a user.")
        @OptionGroup var file: FileOption
        @Argument(help: "The user name.")
        var name: String

        func run() throws {
            var (users, path) = try file.load()
            guard users.users.removeValue(forKey: name) != nil else {
                throw ValidationError("no user \(name) in \(path)")
            }
            do { try users.save(path: path) } catch { throw ValidationError(error.description) }
            print("removed user \(name) from \(path)")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the users and their roles (never hashes).")
        @OptionGroup var file: FileOption

        func run() throws {
            let (users, _) = try file.load()
            for name in users.users.keys.sorted() {
                let grants = users.users[name]!.grants.byDatabase
                print(name + " " + grants.keys.sorted().map { "\($0):\(grants[$0]!)" }.joined(separator: " "))
            }
        }
    }
}
