// GENERATED FILE — do not edit.
// Made by circuits/scripts/export.ts from circuits/ceremony/aggregation0/aggregation0_final.zkey (zkagent federated aggregation v1, P = 4, chunk 0 of 2 (circuits/src/circom/main_aggregation_4_0.circom)).
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

contract AggregationVerifier0 {
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
    uint256 constant deltax1 = 20345952753177908495286182230632775318316843052648547214814729546261119434605;
    uint256 constant deltax2 = 7287743066449089028159425226200278702104692951438644257742900616451405893565;
    uint256 constant deltay1 = 20364201577885725970650527813572619171090395430166113109112248309756950916048;
    uint256 constant deltay2 = 6067763262184651511776469571029552702552200165800735215739646639312524061723;

    
    uint256 constant IC0x = 14686895629478541455525741176515581289902852657133476046709412083490219818608;
    uint256 constant IC0y = 17928275819687514160184543274180988074364068805953707195671243501103078268187;
    
    uint256 constant IC1x = 13181373024803575692322906841030185495936884153183254815222334697606875264939;
    uint256 constant IC1y = 16663334103145189387110106251870179173871389161338491030231874269492656858202;
    
    uint256 constant IC2x = 3640793214271325954098369476173966390322976194215890469313103651366185786497;
    uint256 constant IC2y = 13702990106503798681624361353791882794139668136486239255861783395058691685540;
    
    uint256 constant IC3x = 3921104923232856059452673138467159112679285829847471051359530936743514270288;
    uint256 constant IC3y = 3104240652532162194552992500742222085288789337166381863473782435138400038202;
    
    uint256 constant IC4x = 14867738327249107831499828156840931975340206869760552441012385980693175855065;
    uint256 constant IC4y = 11925587642600590385925266932588824486291421166610874599090590966827823806064;
    
    uint256 constant IC5x = 2317811544027714640491113829569777791786514668983072239061621154987920989046;
    uint256 constant IC5y = 6167464109016903784068220494301839120708071854795772017284065686053605718563;
    
    uint256 constant IC6x = 19670457915645733288270707016785680053679649358689853701807558697079770827426;
    uint256 constant IC6y = 17596459304992275245828173953783087510219991864485160817587522161001410064074;
    
    uint256 constant IC7x = 11388829311159682232574488351853648713572765330227922264378777969631805455273;
    uint256 constant IC7y = 4575857097785760980641122549797327545975865279784790004916915613427709205808;
    
    uint256 constant IC8x = 5105353171076223602415784515931597294867754234044515176088073628683001730717;
    uint256 constant IC8y = 18086320334082842244225383764557247582113539222006055133509832914452271887349;
    
    uint256 constant IC9x = 4221125224704685955503983802132473298830525205998388599849148735881944879069;
    uint256 constant IC9y = 5201439095556648468303843137179581076003270509166834465715407226825354902362;
    
    uint256 constant IC10x = 412017854500054811713767377265381741568221114263437392761778152836962291437;
    uint256 constant IC10y = 16118321524067315464980687664191557817867436116978328995950340077720342249278;
    
    uint256 constant IC11x = 11069697628333825911246904523228920727867309304006145144169496170085460555895;
    uint256 constant IC11y = 3359404110906086524441189649165217560146168551778328786282997510510913505117;
    
 
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
