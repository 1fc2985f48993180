// GENERATED FILE — do not edit.
// Made by circuits/scripts/export.ts from circuits/ceremony/signal4/signal4_final.zkey (zkagent signal v1, K = 4 (circuits/src/circom/main_signal_4.circom)).
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

contract SignalVerifier4 {
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
    uint256 constant deltax1 = 18751841006907868972030516626863557407158642808524090190424577110260973066987;
    uint256 constant deltax2 = 9142312720306003400306281516517680181132239251122605618869646458876263180041;
    uint256 constant deltay1 = 7599293531708652210152038291366489327137041125484284277569623265297935183149;
    uint256 constant deltay2 = 14513679390493772593309182548204537561711521222211577823821866758773794600094;

    
    uint256 constant IC0x = 2980584744481083557773014564302125977115205007405573494315969905768367650260;
    uint256 constant IC0y = 12635136233043800568282919008702296928465753846797850903775395294963794087030;
    
    uint256 constant IC1x = 9011411472290446389375964883070661311213927926872542067170807127191497283546;
    uint256 constant IC1y = 11361849140209040371973033216003757243692315065618611957241399511900341165394;
    
    uint256 constant IC2x = 2348334918348414970645470464539013956773944002917104491762005825363115897756;
    uint256 constant IC2y = 9228800030866068671348452644492273668253393415319321527788262997989169881352;
    
    uint256 constant IC3x = 17882537167508724363278258905386419209525782791458339576338941686784104806769;
    uint256 constant IC3y = 10953506049969050338177967380887976528447524498380608874180992130100634885495;
    
    uint256 constant IC4x = 13807161673902853516308154023801124952198705800406144256835414251429382581549;
    uint256 constant IC4y = 10627722770287086632736819185661647185535187092722488144783802057110584059940;
    
    uint256 constant IC5x = 21558453805968814002445505389188375959952633291699395283997769319047702090976;
    uint256 constant IC5y = 19243447021958505442052224859544049421896942529625823862342047990686943213039;
    
    uint256 constant IC6x = 4586263945605089340534488044058074862493600856720858249583599921032281281059;
    uint256 constant IC6y = 2303198235956193038198277651500541258253783264817092885632660653518436039707;
    
    uint256 constant IC7x = 8582293963981521136571852785963784892719107120130616088621923864556267304875;
    uint256 constant IC7y = 19190110726803954238148847014705137681212390547074348613170874199375083938580;
    
    uint256 constant IC8x = 13837778632757707982343455578458407988391404352555534006989341332530768701706;
    uint256 constant IC8y = 3457651843524101524837619103548859576197868903021162364106719751642865365875;
    
    uint256 constant IC9x = 8743457304498644972652609272307121495999058564322639645174647568841918337006;
    uint256 constant IC9y = 16889234872179237768219657873240706010869341039250831586473000427439013656897;
    
    uint256 constant IC10x = 6366707855792029278600614848463405297390047814924009969583910822704677179928;
    uint256 constant IC10y = 17246077870037675230438509320925736560597410471562282038847217543446850253455;
    
    uint256 constant IC11x = 2777460126005178576296218959835415896409100128383592006977248005539641596725;
    uint256 constant IC11y = 19853757748420380458770761295709923299831325724159985506918686198415015407695;
    
 
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
