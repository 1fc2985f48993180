// GENERATED FILE — do not edit.
// Made by circuits/scripts/export.ts from circuits/ceremony/signal2/signal2_final.zkey (zkagent signal v1, K = 2 (circuits/src/circom/main_signal_2.circom)).
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

contract SignalVerifier2 {
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
    uint256 constant deltax1 = 3881610111677402148474650650806115213258921796729582418844353153709914054714;
    uint256 constant deltax2 = 4807125111112690404388173192460830327328753835419472574566445287779000015160;
    uint256 constant deltay1 = 8152745192272652926041530704361073873979031554554261134635740392105674515847;
    uint256 constant deltay2 = 5250796685355449133733618657694891364301345869926264199234430623816958335681;

    
    uint256 constant IC0x = 13332029176452343601400981757185376074610030414149415942197806091051694585911;
    uint256 constant IC0y = 19853966150758011339847547235220635394519519537698678201910161148845428760568;
    
    uint256 constant IC1x = 3476884771101108934934272635435289738746121332402483012052596098308353191105;
    uint256 constant IC1y = 11517628575122564947282864353321497124038179957642857978877751440190603254159;
    
    uint256 constant IC2x = 18373087077831350315105534034409934926549925852339031010783382367384858135267;
    uint256 constant IC2y = 15459994598798273830599981454417422324100802191321715597257137793861920109017;
    
    uint256 constant IC3x = 17697330580310964233032598837819549757860167334007671274275434146284885465625;
    uint256 constant IC3y = 5451933956069639021343425996174099721838121205253327958297813147024049551690;
    
    uint256 constant IC4x = 5593374600798112073395101691989481146468028869837762897281104491023927443973;
    uint256 constant IC4y = 16403798005789749626413791605569538520541723800395084413899173911222285895247;
    
    uint256 constant IC5x = 8857225375940162764431230017019531194415120900659366682615111468130467219441;
    uint256 constant IC5y = 17974151374310401455446009008777259958003913756465301726348715568175277384315;
    
    uint256 constant IC6x = 21590053965424150748056383567789229983806212294298382556483610436637507844516;
    uint256 constant IC6y = 11087094642881802033344438323663861057124563602282831209632116705438951426265;
    
    uint256 constant IC7x = 14683939251752605843619977771075586887308882921725443068969604945597535727616;
    uint256 constant IC7y = 21254351065970462836761771297199846923405672162096619138623988609291129677702;
    
 
    // Memory data
    uint16 constant pVk = 0;
    uint16 constant pPairing = 128;

    uint16 constant pLastMem = 896;

    function verifyProof(uint[2] calldata _pA, uint[2][2] calldata _pB, uint[2] calldata _pC, uint[7] calldata _pubSignals) public view returns (bool) {
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
            

            // Validate all evaluations
            let isValid := checkPairing(_pA, _pB, _pC, _pubSignals, pMem)

            mstore(0, isValid)
             return(0, 0x20)
         }
     }
 }
