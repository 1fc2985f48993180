import { HDNodeWallet, Mnemonic, type Provider, type Wallet } from "ethers";

/** Hardhat's well-known development mnemonic. Its keys are public: local chains only. */
export const HARDHAT_MNEMONIC = "test test test test test test test test test test test junk";

/** Hardhat's default account `index` as a wallet that signs locally (as an agent does in production). */
export function hardhatWallet(index: number, provider: Provider): Wallet {
  const wallet = HDNodeWallet.fromMnemonic(Mnemonic.fromPhrase(HARDHAT_MNEMONIC), `m/44'/60'/0'/0/${index}`);
  return wallet.connect(provider) as unknown as Wallet;
}
