import { Command, type Option } from "commander";

/** What commander does but does not declare in its typings (commander 14). */
interface CommanderInternals {
  unknownOption(flag: string): void;
  missingMandatoryOptionValue(option: Option): void;
}

/**
 * zkagent's commands: commander's, except that a misspelled option is reported as such, with its
 * suggestion ("unknown option '--rpcurl' (Did you mean --rpc-url?)"). Commander checks required
 * options before unknown ones, so `zkagent audit --rpcurl …` would only say that --rpc-url is
 * missing. Every subcommand, nested ones included, is made by `createCommand`, so is one of these.
 */
export class ZkagentCommand extends Command {
  override createCommand(name?: string): Command {
    return new ZkagentCommand(name);
  }

  missingMandatoryOptionValue(option: Option): void {
    const internals = Command.prototype as unknown as CommanderInternals;
    // After parsing, `args` holds the operands and then what commander did not recognise.
    const unknown = this.args.find((arg) => /^--?[^-\d]/.test(arg));
    if (unknown !== undefined) internals.unknownOption.call(this, unknown);
    internals.missingMandatoryOptionValue.call(this, option);
  }
}
