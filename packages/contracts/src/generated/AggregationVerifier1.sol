// GENERATED FILE — do not edit.
// Made by circuits/scripts/export.ts from circuits/ceremony/aggregation1/aggregation1_final.zkey (zkagent federated aggregation v1, P = 4, chunk 1 of 2 (circuits/src/circom/main_aggregation_4_1.circom)).
// Regenerate: pnpm --filter @zkagent/circuits export. CI checks it is byte-identical.
// SPDX-License-Identifier: GPL-3.0
/*
    Copyright 2021 0KIMS association.

    This file is generated with [snarkJS](https://github.com/iden3/snarkjs).

    snarkJS is a free software: you can redistribute it and/or modify it
    under the terms of the GNU General Public License as published by
    the Free Software Foundation, either version 3 of the License, or
    (at your option) any later version.

    snarkJS is distributed in the hope that it will be useful, but WITHOUT
    ANY WARRANTY; without even the implied warranty of MERCHANTABILITY
    or FITNESS FOR A PARTICULAR PURPOSE. See the GNU General Public
    License for more details.

    You should have received a copy of the GNU General Public License
    along with snarkJS. If not, see <https://www.gnu.org/licenses/>.
*/

pragma solidity >=0.7.0 <0.9.0;

contract AggregationVerifier1 {
    // Scalar field size
    uint256 constant r    = 21888242871839275222246405745257275088548364400416034343698204186575808495617;
    // Base field size
    uint256 constant q   = 21888242871839275222246405745257275088696311157297823662689037894645226208583;

    // Verification Key data
    uint256 constant alphax  = 6701703177982068019760735892534027854497287608638145830426017487712985057008;
    uint256 constant alphay  = 18682407575492342775964773663810008798292154494238657274062585824699688145444;
    uint256 constant betax1  = 12395190819976375437387644990515421068632605583444439142041794019333550254037;
    uint256 constant betax2  = 16743248680277436940863731398180602945879217564304305405244072182950440680682;
    uint256 constant betay1  = 2820466774874950047946881764564555418499958487197447965422372677215359243954;
    uint256 constant betay2  = 15153110169829101576688244458018474426000916605995740636434327523873021157848;
    uint256 constant gammax1 = 11559732032986387107991004021392285783925812861821192530917403151452391805634;
    uint256 constant gammax2 = 10857046999023057135944570762232829481370756359578518086990519993285655852781;
    uint256 constant gammay1 = 4082367875863433681332203403145435568316851327593401208105741076214120093531;
    uint256 constant gammay2 = 8495653923123431417604973247489272438418190587263600148770280649306958101930;
    uint256 constant deltax1 = 4026725029342804622542716163562839481839183214324774140765519400882530315631;
    uint256 constant deltax2 = 5583924916651758566140829719665489999187432804724776990149152865207175010377;
    uint256 constant deltay1 = 1121346468680519534747772988260359990574396627868936199712824691555697495938;
    uint256 constant deltay2 = 538684730662854344012011594091757180278066637576174791432898264644052371502;

    
    uint256 constant IC0x = 20792909668472445281432944973119803298779567060058281455516693233920932765049;
    uint256 constant IC0y = 3846143018696972221144337011883363860912363903024651782986856828552692204677;
    
    uint256 constant IC1x = 12400935671727395231311334284138013304664365462665776052603647793875616693749;
    uint256 constant IC1y = 17979134595978781088630611319596518910213129650209339234676139484176658720673;
    
    uint256 constant IC2x = 15568228071272831839737453577934640218340447260020498711898188991408615015022;
    uint256 constant IC2y = 6369199995234174805460133476423681225352621223020118839280744230909863369346;
    
    uint256 constant IC3x = 3647332867050939983667643984140729890951449102997587755840152700452634706973;
    uint256 constant IC3y = 929524657174503340223058232267725520798510901107322450986386819839509950512;
    
    uint256 constant IC4x = 3509630040994166290685136094882742909927815972759502005351881790707959257261;
    uint256 constant IC4y = 17347613316046880616869520361940266766978496792542472675401105242301382433020;
    
    uint256 constant IC5x = 13031523890034496553614373417467338586866942152776691788140653117942702105629;
    uint256 constant IC5y = 8452530853106354917796206966854726130345118180230438678864271957962286271434;
    
    uint256 constant IC6x = 9907001658681679016431781648902934771153688955672473819935784231603063703894;
    uint256 constant IC6y = 2253122694605759299849060086468936054923275451427807325113057508374485777031;
    
    uint256 constant IC7x = 18439141348109224420158238074745594296424393293723589528527848649556367836872;
    uint256 constant IC7y = 8063422690789450399237214247166884407239984280947206396139834354366311430883;
    
    uint256 constant IC8x = 3877396952571852197530933736027191365770091588778988422449919516284804508829;
    uint256 constant IC8y = 8965926282668995743486028621326017264768830013718756000696187183477953567398;
    
    uint256 constant IC9x = 5304153680209722643664297071795029872865946413391841267894602543916161679479;
    uint256 constant IC9y = 763962232339831530016563691020092465908730027074798144580369937102100586643;
    
    uint256 constant IC10x = 3963895640175096834562024428874199906418100692307690341030045349515402561947;
    uint256 constant IC10y = 20263893177524479189350810629657023252526665018562277681928231213035673221934;
    
    uint256 constant IC11x = 18462243725675254074206866324780168129628279546545006715302257323509333348392;
    uint256 constant IC11y = 8871182077729407803761307788830272012609956535452937072962310023476511046140;
    
 
    // Memory data
    uint16 constant pVk = 0;
    uint16 constant pPairing = 128;

    uint16 constant pLastMem = 896;

    function verifyProof(uint[2] calldata _pA, uint[2][2] calldata _pB, uint[2] calldata _pC, uint[11] calldata _pubSignals) public view returns (bool) {
        assembly {
            function checkField(v) {
                if iszero(lt(v, r)) {
                    mstore(0, 0)
                    return(0, 0x20)
                }
            }
            
            // G1 function to multiply a G1 value(x,y) to value in an address
            function g1_mulAccC(pR, x, y, s) {
                let success
                let mIn := mload(0x40)
                mstore(mIn, x)
                mstore(add(mIn, 32), y)
                mstore(add(mIn, 64), s)

                success := staticcall(sub(gas(), 2000), 7, mIn, 96, mIn, 64)

                if iszero(success) {
                    mstore(0, 0)
                    return(0, 0x20)
                }

                mstore(add(mIn, 64), mload(pR))
                mstore(add(mIn, 96), mload(add(pR, 32)))

                success := staticcall(sub(gas(), 2000), 6, mIn, 128, pR, 64)

                if iszero(success) {
                    mstore(0, 0)
                    return(0, 0x20)
                }
            }

            function checkPairing(pA, pB, pC, pubSignals, pMem) -> isOk {
                let _pPairing := add(pMem, pPairing)
                let _pVk := add(pMem, pVk)

                mstore(_pVk, IC0x)
                mstore(add(_pVk, 32), IC0y)

                // Compute the linear combination vk_x
                
                g1_mulAccC(_pVk, IC1x, IC1y, calldataload(add(pubSignals, 0)))
                
                g1_mulAccC(_pVk, IC2x, IC2y, calldataload(add(pubSignals, 32)))
                
                g1_mulAccC(_pVk, IC3x, IC3y, calldataload(add(pubSignals, 64)))
                
                g1_mulAccC(_pVk, IC4x, IC4y, calldataload(add(pubSignals, 96)))
                
                g1_mulAccC(_pVk, IC5x, IC5y, calldataload(add(pubSignals, 128)))
                
                g1_mulAccC(_pVk, IC6x, IC6y, calldataload(add(pubSignals, 160)))
                
                g1_mulAccC(_pVk, IC7x, IC7y, calldataload(add(pubSignals, 192)))
                
                g1_mulAccC(_pVk, IC8x, IC8y, calldataload(add(pubSignals, 224)))
                
                g1_mulAccC(_pVk, IC9x, IC9y, calldataload(add(pubSignals, 256)))
                
                g1_mulAccC(_pVk, IC10x, IC10y, calldataload(add(pubSignals, 288)))
                
                g1_mulAccC(_pVk, IC11x, IC11y, calldataload(add(pubSignals, 320)))
                

                // -A
                mstore(_pPairing, calldataload(pA))
                mstore(add(_pPairing, 32), mod(sub(q, calldataload(add(pA, 32))), q))

                // B
                mstore(add(_pPairing, 64), calldataload(pB))
                mstore(add(_pPairing, 96), calldataload(add(pB, 32)))
                mstore(add(_pPairing, 128), calldataload(add(pB, 64)))
                mstore(add(_pPairing, 160), calldataload(add(pB, 96)))

                // alpha1
                mstore(add(_pPairing, 192), alphax)
                mstore(add(_pPairing, 224), alphay)

                // beta2
                mstore(add(_pPairing, 256), betax1)
                mstore(add(_pPairing, 288), betax2)
                mstore(add(_pPairing, 320), betay1)
                mstore(add(_pPairing, 352), betay2)

                // vk_x
                mstore(add(_pPairing, 384), mload(add(pMem, pVk)))
                mstore(add(_pPairing, 416), mload(add(pMem, add(pVk, 32))))


                // gamma2
                mstore(add(_pPairing, 448), gammax1)
                mstore(add(_pPairing, 480), gammax2)
                mstore(add(_pPairing, 512), gammay1)
                mstore(add(_pPairing, 544), gammay2)

                // C
                mstore(add(_pPairing, 576), calldataload(pC))
                mstore(add(_pPairing, 608), calldataload(add(pC, 32)))

                // delta2
                mstore(add(_pPairing, 640), deltax1)
                mstore(add(_pPairing, 672), deltax2)
                mstore(add(_pPairing, 704), deltay1)
                mstore(add(_pPairing, 736), deltay2)


                let success := staticcall(sub(gas(), 2000), 8, _pPairing, 768, _pPairing, 0x20)

                isOk := and(success, mload(_pPairing))
            }

            let pMem := mload(0x40)
            mstore(0x40, add(pMem, pLastMem))

            // Validate that all evaluations ∈ F
            
            checkField(calldataload(add(_pubSignals, 0)))
            
            checkField(calldataload(add(_pubSignals, 32)))
            
            checkField(calldataload(add(_pubSignals, 64)))
            
            checkField(calldataload(add(_pubSignals, 96)))
            
            checkField(calldataload(add(_pubSignals, 128)))
            
            checkField(calldataload(add(_pubSignals, 160)))
            
            checkField(calldataload(add(_pubSignals, 192)))
            
            checkField(calldataload(add(_pubSignals, 224)))
            
            checkField(calldataload(add(_pubSignals, 256)))
            
            checkField(calldataload(add(_pubSignals, 288)))
            
            checkField(calldataload(add(_pubSignals, 320)))
            

            // Validate all evaluations
            let isValid := checkPairing(_pA, _pB, _pC, _pubSignals, pMem)

            mstore(0, isValid)
             return(0, 0x20)
         }
     }
 }
