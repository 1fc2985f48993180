declare module "snarkjs";
